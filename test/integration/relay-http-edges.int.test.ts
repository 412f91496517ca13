import { commandResponseSchema, commandResultSchema, errorBodySchema } from '@kubently/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createFakeKubectl } from '../fixtures/fake-kubectl.js';
import { connectExecutor, startExecutor, startServer, viewerKey } from './support/kubently.js';
import type { RunningServer } from './support/kubently.js';
import { stopAll } from './support/processes.js';

const codeOf = (body: unknown): string => errorBodySchema.parse(body).error.code;

describe('relay: authentication and request hygiene', () => {
  let server: RunningServer;
  let token: string;
  const clusterId = 'edges-a';

  beforeAll(async () => {
    server = await startServer();
    token = await server.api.addCluster(clusterId);
    await server.api.addCluster('edges-b');
    await connectExecutor(server, { clusterId, token, kubectl: createFakeKubectl() });
  });
  afterAll(stopAll);

  it('401 without an API key or with a wrong one; 403 for a role that may not', async () => {
    const body = { clusterId, args: ['get', 'pods'] };
    const none = await server.api.withKey(null).post('/v1/commands', body);
    expect(none.status).toBe(401);
    expect(codeOf(none.body)).toBe('unauthorized');
    const wrong = await server.api.withKey('not-a-real-key-0000000000').post('/v1/commands', body);
    expect(wrong.status).toBe(401);
    const viewer = await server.api.withKey(viewerKey).post('/v1/clusters', { id: 'edges-c' });
    expect(viewer.status).toBe(403);
    expect(codeOf(viewer.body)).toBe('forbidden');
  });

  it('echoes X-Correlation-ID, and generates one when absent', async () => {
    const given = await server.api.get('/v1/clusters', { 'x-correlation-id': 'corr-edges-1' });
    expect(given.headers.get('x-correlation-id')).toBe('corr-edges-1');
    const generated = await server.api.get('/v1/clusters');
    expect(generated.headers.get('x-correlation-id')).toMatch(/.+/);
  });

  it('rejects malformed, mistyped, invalid and oversized bodies with a clear code', async () => {
    const malformed = await server.api.post('/v1/commands', '{"clusterId": ');
    expect(malformed.status).toBe(400);
    expect(codeOf(malformed.body)).toBe('bad_request');
    const notJson = await server.api.post('/v1/commands', 'clusterId=x', { 'content-type': 'text/plain' });
    expect(notJson.status).toBe(415);
    const invalid = await server.api.post('/v1/commands', { clusterId, args: [] });
    expect(invalid.status).toBe(400);
    expect(codeOf(invalid.body)).toBe('validation_failed');
    const both = await server.api.post('/v1/commands', {
      clusterId,
      args: ['get', 'pods'],
      command: 'get pods',
    });
    expect(both.status).toBe(400);
    const huge = await server.api.post('/v1/commands', { clusterId, command: 'x'.repeat(2 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    expect(codeOf(huge.body)).toBe('payload_too_large');
  });

  it('executor endpoints: 401 for a wrong token or a cluster id the token is not for', async () => {
    const stream = (headers: Record<string, string>) =>
      fetch(`${server.url}/v1/executor/stream`, { headers: { 'x-executor-id': 'probe-1', ...headers } });
    const noToken = await stream({});
    expect(noToken.status).toBe(401);
    const wrongToken = await stream({ authorization: 'Bearer not-the-token' });
    expect(wrongToken.status).toBe(401);
    const otherCluster = await stream({ authorization: `Bearer ${token}`, 'x-cluster-id': 'edges-b' });
    expect(otherCluster.status).toBe(401);
    const apiKeyIsNotAToken = await stream({ 'x-api-key': server.api.key ?? '' });
    expect(apiKeyIsNotAToken.status).toBe(401);
  });

  it('a result for an unknown command is 404 (the executor then stops retrying)', async () => {
    const result = commandResultSchema.parse({
      commandId: 'never-issued',
      exitCode: 0,
      stdout: '',
      stderr: '',
      durationMs: 1,
      truncated: false,
      redactions: 0,
    });
    const answer = await fetch(`${server.url}/v1/executor/results`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'x-executor-id': 'probe-2',
        'content-type': 'application/json',
      },
      body: JSON.stringify(result),
    });
    expect(answer.status).toBe(404);
    expect(codeOf(await answer.json())).toBe('command_not_found');
  });

  it("a result for another cluster's command is 403 and does not complete it", async () => {
    const queued = await server.api.post('/v1/commands?wait=false', {
      clusterId: 'edges-b',
      args: ['get', 'pods'],
    });
    expect(queued.status).toBe(202);
    const { id } = commandResponseSchema.parse(queued.body);
    const answer = await fetch(`${server.url}/v1/executor/results`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'x-executor-id': 'probe-3',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        commandId: id,
        exitCode: 0,
        stdout: 'forged',
        stderr: '',
        durationMs: 1,
        truncated: false,
        redactions: 0,
      }),
    });
    expect(answer.status).toBe(403);
    expect(codeOf(await answer.json())).toBe('forbidden');
    const current = commandResponseSchema.parse((await server.api.get(`/v1/commands/${id}`)).body);
    expect(current.stdout ?? '').not.toBe('forged');
  });

  it('an executor with a wrong token never connects and says why', async () => {
    const executor = startExecutor({
      apiUrl: server.url,
      clusterId: 'edges-b',
      token: 'wrong-token',
      kubectl: createFakeKubectl(),
    });
    // One clear line naming the fix, not a reconnect storm (the link then backs off to minutes).
    const line = await executor.waitForLog((l) =>
      String(l.msg).startsWith("the server rejects this executor's token"),
    );
    expect(String(line.msg)).toMatch(/\(unauthorized\).*KUBENTLY_TOKEN/);
    const clusters = await server.api.get('/v1/clusters');
    expect(JSON.stringify(clusters.body)).toMatch(/"id":"edges-b","createdAt":"[^"]+","connected":false/);
  });

  it('an executor with an invalid configuration refuses to start and names the variable', async () => {
    const executor = startExecutor({
      apiUrl: server.url,
      clusterId: 'edges-b',
      token: 'x',
      kubectl: createFakeKubectl(),
      env: { KUBENTLY_POLICY_MODE: 'fullAccess' },
    });
    expect(await executor.exited).toBe(2);
    expect(executor.output()).toMatch(/fullAccessAcknowledged/);
  });
});
