import { afterEach, describe, expect, it } from 'vitest';

import type { ErrorBody } from '@kubently/protocol';

import { createFakeClock } from '../support/fake-clock.js';
import { createTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';

let server: TestServer;

afterEach(async () => {
  await server.close();
});

const code = async (response: Response): Promise<string> => ((await response.json()) as ErrorBody).error.code;

describe('API keys and roles', { timeout: 20_000 }, () => {
  it('answers 401 without a key and with a wrong key, with the same message', async () => {
    server = createTestServer();
    const missing = await server.call('GET', '/v1/clusters', { as: null });
    const wrong = await server.call('GET', '/v1/clusters', {
      as: null,
      headers: { 'x-api-key': 'not-a-key-at-all' },
    });
    expect(missing.status).toBe(401);
    expect(wrong.status).toBe(401);
    const [a, b] = [(await missing.json()) as ErrorBody, (await wrong.json()) as ErrorBody];
    expect(a.error.code).toBe('unauthorized');
    expect(a.error.message).toBe(b.error.message);
  });

  // The permission matrix of docs/api.md, row by row.
  const matrix: [string, string, unknown, Record<'admin' | 'operator' | 'viewer', boolean>][] = [
    ['GET', '/v1/clusters', undefined, { admin: true, operator: true, viewer: true }],
    ['POST', '/v1/clusters', { id: 'new-one' }, { admin: true, operator: false, viewer: false }],
    ['DELETE', '/v1/clusters/prod', undefined, { admin: true, operator: false, viewer: false }],
    ['POST', '/v1/clusters/prod/token', undefined, { admin: true, operator: false, viewer: false }],
    ['POST', '/v1/sessions', { clusterId: 'prod' }, { admin: true, operator: true, viewer: false }],
    [
      'POST',
      '/v1/commands?wait=false',
      { clusterId: 'prod', args: ['get', 'pods'] },
      { admin: true, operator: true, viewer: false },
    ],
    ['GET', '/v1/audit', undefined, { admin: true, operator: false, viewer: false }],
  ];
  for (const [method, path, body, allowed] of matrix) {
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      it(`${role} ${allowed[role] ? 'may' : 'may not'} ${method} ${path}`, async () => {
        server = createTestServer();
        await server.createCluster('prod');
        const response = await server.call(method, path, { as: role, body });
        if (allowed[role]) expect(response.status).toBeLessThan(400);
        else {
          expect(response.status).toBe(403);
          expect(await code(response)).toBe('forbidden');
        }
      });
    }
  }

  it('echoes a given X-Correlation-ID and generates one when absent', async () => {
    server = createTestServer();
    const given = await server.call('GET', '/healthz', { headers: { 'x-correlation-id': 'trace-42' } });
    expect(given.headers.get('x-correlation-id')).toBe('trace-42');
    const generated = await server.call('GET', '/healthz');
    expect(generated.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('puts the correlation id into the command sent to the executor and the audit record', async () => {
    server = createTestServer();
    const executor = await server.connectExecutor(await server.createCluster());
    const pending = server.call('POST', '/v1/commands', {
      body: { clusterId: 'prod', args: ['get', 'pods'] },
      headers: { 'x-correlation-id': 'incident-7' },
    });
    const command = await executor.nextCommand();
    expect(command.correlationId).toBe('incident-7');
    await executor.postResult(command.id);
    await pending;
    const audit = (await (await server.call('GET', '/v1/audit')).json()) as {
      records: { correlationId: string; source: string }[];
    };
    expect(audit.records[0]).toMatchObject({ correlationId: 'incident-7', source: 'rest' });
  });
});

describe('executor tokens', { timeout: 20_000 }, () => {
  const stream = (token: string | undefined, extra: Record<string, string> = {}) =>
    server.app.request('/v1/executor/stream', {
      headers: {
        'x-executor-id': 'ex-1',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...extra,
      },
    });

  it('answers 401 without a token, with a wrong token, and with a mismatching X-Cluster-ID', async () => {
    server = createTestServer();
    const token = await server.createCluster('prod');
    await server.createCluster('staging');
    expect((await stream(undefined)).status).toBe(401);
    expect((await stream('kbt_wrong')).status).toBe(401);
    expect((await stream(token, { 'x-cluster-id': 'staging' })).status).toBe(401);
    const ok = await stream(token, { 'x-cluster-id': 'prod' });
    expect(ok.status).toBe(200);
    await ok.body?.cancel();
  });

  it('requires X-Executor-ID on the stream', async () => {
    server = createTestServer();
    const token = await server.createCluster('prod');
    const response = await server.app.request('/v1/executor/stream', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.message).toContain('X-Executor-ID');
  });

  it('keeps the old token working for the overlap after rotation, then refuses it', async () => {
    const clock = createFakeClock(Date.now());
    server = createTestServer({ tokenOverlapSeconds: 60 }, { clock });
    const oldToken = await server.createCluster('prod');
    const rotated = await server.call('POST', '/v1/clusters/prod/token');
    expect(rotated.status).toBe(200);
    const { token: newToken, previousTokenExpiresAt } = (await rotated.json()) as {
      token: string;
      previousTokenExpiresAt: string;
    };
    expect(newToken).not.toBe(oldToken);
    expect(Date.parse(previousTokenExpiresAt)).toBe(clock.now() + 60_000);
    const during = await stream(oldToken);
    expect(during.status).toBe(200);
    await during.body?.cancel();
    clock.advance(60_001);
    expect((await stream(oldToken)).status).toBe(401);
    const fresh = await stream(newToken);
    expect(fresh.status).toBe(200);
    await fresh.body?.cancel();
  });
});
