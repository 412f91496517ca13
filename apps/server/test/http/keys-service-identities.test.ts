import { afterEach, describe, expect, it } from 'vitest';

import { errorBodySchema, issuedKeySchema, keyListSchema } from '@kubently/protocol';

import { createFakeClock } from '../support/fake-clock.js';
import { createTestServer } from '../support/test-server.js';

/** A managed key limited to the service identities it may assert (issue #14 item 3), on every surface. */
describe('service identity allowlists on managed keys', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });
  const setup = async () => {
    const server = createTestServer({}, { clock: createFakeClock() });
    closers.push(server.close);
    const created = await server.call('POST', '/v1/keys', {
      body: { identity: 'shared', role: 'viewer', serviceIdentities: ['search', 'billing', 'search'] },
    });
    expect(created.status).toBe(201);
    const issued = issuedKeySchema.parse(await created.json());
    const headersFor = (service: string | undefined): Record<string, string> => ({
      'x-api-key': issued.key,
      ...(service === undefined ? {} : { 'x-service-identity': service }),
    });
    const rest = (service: string | undefined) =>
      server.call('GET', '/v1/clusters', { as: null, headers: headersFor(service) });
    const mcp = (service: string | undefined) =>
      server.app.request('/mcp', {
        method: 'POST',
        headers: {
          ...headersFor(service),
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
      });
    const a2a = (service: string | undefined) =>
      server.app.request('/a2a', {
        method: 'POST',
        headers: { ...headersFor(service), 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ListTasks', params: {} }),
      });
    return { server, issued, rest, mcp, a2a };
  };

  it('stores the list sorted without duplicates and shows it in the list; environment keys have none', async () => {
    const { server, issued } = await setup();
    expect(issued.serviceIdentities).toEqual(['billing', 'search']);
    const listed = keyListSchema.parse(await (await server.call('GET', '/v1/keys')).json()).keys;
    expect(listed.find((key) => key.identity === 'shared')?.serviceIdentities).toEqual(['billing', 'search']);
    expect(listed.filter((key) => key.source === 'environment').map((key) => key.serviceIdentities)).toEqual(
      listed.filter((key) => key.source === 'environment').map(() => null),
    );
  });

  it('refuses a bad service identity in the create request with 400', async () => {
    const { server } = await setup();
    const response = await server.call('POST', '/v1/keys', {
      body: { identity: 'other', role: 'viewer', serviceIdentities: ['no spaces'] },
    });
    expect(response.status).toBe(400);
  });

  it('REST: an allowed identity or none passes; another is 403 forbidden naming the allowed ones', async () => {
    const { rest } = await setup();
    expect((await rest('search')).status).toBe(200);
    expect((await rest(undefined)).status).toBe(200);
    const refused = await rest('payroll');
    expect(refused.status).toBe(403);
    const body = errorBodySchema.parse(await refused.json());
    expect(body.error.code).toBe('forbidden');
    expect(body.error.message).toContain('"payroll"');
    expect(body.error.message).toContain('"billing", "search"');
  });

  it('MCP and A2A answer a refused identity with 403 forbidden in their JSON-RPC shape', async () => {
    const { mcp, a2a } = await setup();
    expect((await mcp('billing')).status).toBe(200);
    const refusedMcp = await mcp('payroll');
    expect(refusedMcp.status).toBe(403);
    expect(await refusedMcp.json()).toMatchObject({
      jsonrpc: '2.0',
      error: { data: { code: 'forbidden', allowedServiceIdentities: ['billing', 'search'] } },
    });
    expect((await a2a('billing')).status).toBe(200);
    const refusedA2a = await a2a('payroll');
    expect(refusedA2a.status).toBe(403);
    expect(await refusedA2a.json()).toMatchObject({ id: 2, error: { data: { code: 'forbidden' } } });
  });

  it('leaves environment keys free to assert any service identity', async () => {
    const { server } = await setup();
    const response = await server.call('GET', '/v1/clusters', {
      as: 'viewer',
      headers: { 'x-service-identity': 'payroll' },
    });
    expect(response.status).toBe(200);
  });
});
