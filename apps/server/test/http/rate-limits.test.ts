import { afterEach, describe, expect, it } from 'vitest';

import { auditListSchema, errorBodySchema } from '@kubently/protocol';

import { parseEnvironment } from '../../src/config.js';
import { createFakeClock } from '../support/fake-clock.js';
import { createTestServer, keys } from '../support/test-server.js';

/** Issue #14 item 3: token buckets per key identity (by role) and per X-Service-Identity. */
describe('request rate limits', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });
  const setup = () => {
    const clock = createFakeClock();
    const server = createTestServer(
      { rateLimitsPerRole: { viewer: 3, operator: 100 }, serviceRateLimit: 2 },
      { clock },
    );
    closers.push(server.close);
    return { clock, server };
  };

  it('refuses a viewer past 3 a minute with 429, Retry-After and rate_limited, then refills', async () => {
    const { clock, server } = setup();
    for (let index = 0; index < 3; index += 1) {
      expect((await server.call('GET', '/v1/clusters', { as: 'viewer' })).status).toBe(200);
    }
    const limited = await server.call('GET', '/v1/clusters', { as: 'viewer' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('20');
    const { error } = errorBodySchema.parse(await limited.json());
    expect(error.code).toBe('rate_limited');
    expect(error.message).toContain('identity "auditor" is over its limit of 3 requests a minute');
    // Another identity has its own bucket; an unlisted role (admin) is unlimited.
    expect((await server.call('GET', '/v1/clusters', { as: 'operator' })).status).toBe(200);
    expect((await server.call('GET', '/v1/clusters', { as: 'admin' })).status).toBe(200);
    clock.advance(20_000);
    expect((await server.call('GET', '/v1/clusters', { as: 'viewer' })).status).toBe(200);
    expect((await server.call('GET', '/v1/clusters', { as: 'viewer' })).status).toBe(429);
  });

  it('limits each X-Service-Identity across the keys that assert it', async () => {
    const { server } = setup();
    const asService = (as: 'operator' | 'partner', service: string) =>
      server.call('GET', '/v1/clusters', { as, headers: { 'x-service-identity': service } });
    expect((await asService('operator', 'billing')).status).toBe(200);
    expect((await asService('partner', 'billing')).status).toBe(200);
    const limited = await asService('operator', 'billing');
    expect(limited.status).toBe(429);
    expect(errorBodySchema.parse(await limited.json()).error.message).toContain('service identity "billing"');
    expect((await asService('operator', 'search')).status).toBe(200);
  });

  it('answers MCP and A2A in their JSON-RPC shape with 429 and Retry-After', async () => {
    const { server } = setup();
    for (let index = 0; index < 3; index += 1) await server.call('GET', '/v1/clusters', { as: 'viewer' });
    const mcp = await server.app.request('/mcp', {
      method: 'POST',
      headers: {
        'x-api-key': keys.viewer,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    expect(mcp.status).toBe(429);
    expect(mcp.headers.get('retry-after')).not.toBeNull();
    expect(await mcp.json()).toMatchObject({ jsonrpc: '2.0', error: { data: { code: 'rate_limited' } } });
    const a2a = await server.app.request('/a2a', {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.viewer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ListTasks', params: {} }),
    });
    expect(a2a.status).toBe(429);
    expect(await a2a.json()).toMatchObject({ id: 2, error: { data: { code: 'rate_limited' } } });
  });

  it('records X-Service-Identity in the audit beside the identity; a malformed one is ignored', async () => {
    const { server } = setup();
    await server.createCluster('prod');
    const deny = (service: string) =>
      server.call('POST', '/v1/commands', {
        as: 'operator',
        headers: { 'x-service-identity': service },
        body: { clusterId: 'prod', args: ['delete', 'pod', 'x'] },
      });
    expect((await deny('billing-api')).status).toBe(422);
    expect((await deny('not a token')).status).toBe(422);
    const audit = auditListSchema.parse(await (await server.call('GET', '/v1/audit')).json());
    expect(audit.records.map((record) => [record.identity, record.serviceIdentity])).toEqual([
      ['oncall', undefined],
      ['oncall', 'billing-api'],
    ]);
  });

  it('parses KUBENTLY_RATE_LIMITS and names the variable on a bad entry', () => {
    expect(parseEnvironment({ KUBENTLY_RATE_LIMITS: 'admin=1200, viewer=60' }).rateLimitsPerRole).toEqual({
      admin: 1200,
      viewer: 60,
    });
    expect(() => parseEnvironment({ KUBENTLY_RATE_LIMITS: 'root=5' })).toThrow(
      /KUBENTLY_RATE_LIMITS: entry "root=5" must look like <admin\|operator\|viewer>=<requests a minute>/,
    );
    expect(() => parseEnvironment({ KUBENTLY_SERVICE_RATE_LIMIT: 'lots' })).toThrow(
      /KUBENTLY_SERVICE_RATE_LIMIT/,
    );
  });
});
