import { afterEach, describe, expect, it } from 'vitest';

import { errorBodySchema, fanOutCommandResponseSchema, issuedKeySchema } from '@kubently/protocol';

import { createTestServer } from '../support/test-server.js';
import type { FakeExecutor, TestServer } from '../support/test-server.js';

let server: TestServer;

afterEach(async () => {
  await server.close();
});

/** Answers each command with the cluster's name in stdout; a cluster named `*-broken` exits 1. */
const serveOne = async (executor: FakeExecutor, clusterId: string): Promise<string[]> => {
  const command = await executor.nextCommand();
  await executor.postResult(command.id, {
    stdout: `pods of ${clusterId}\n`,
    exitCode: clusterId.endsWith('-broken') ? 1 : 0,
    ...(clusterId.endsWith('-broken') ? { stderr: 'error: the server is on fire\n' } : {}),
  });
  return command.args;
};

const setup = async (connected: readonly string[], idle: readonly string[] = []) => {
  server = createTestServer();
  const executors = new Map<string, FakeExecutor>();
  for (const id of connected) executors.set(id, await server.connectExecutor(await server.createCluster(id)));
  for (const id of idle) await server.createCluster(id);
  return executors;
};

const fanOutCall = (body: unknown, headers: Record<string, string> = {}) =>
  server.call('POST', '/v1/commands', {
    as: Object.keys(headers).length > 0 ? null : 'operator',
    body,
    headers,
  });

describe('POST /v1/commands with clusterIds', () => {
  it('runs the command on each named cluster and answers per cluster, in the order asked', async () => {
    const executors = await setup(['alpha', 'bravo']);
    const answer = fanOutCall({ clusterIds: ['bravo', 'alpha'], args: ['get', 'pods'] });
    const served = await Promise.all([
      serveOne(executors.get('alpha') as FakeExecutor, 'alpha'),
      serveOne(executors.get('bravo') as FakeExecutor, 'bravo'),
    ]);
    expect(served).toEqual([
      ['get', 'pods'],
      ['get', 'pods'],
    ]);
    const response = await answer;
    expect(response.status).toBe(200);
    const body = fanOutCommandResponseSchema.parse(await response.json());
    expect(body.summary).toEqual({ clusters: 2, ok: 2, errors: 0 });
    expect(body.results.map((entry) => entry.clusterId)).toEqual(['bravo', 'alpha']);
    expect(body.results.map((entry) => (entry.status === 'ok' ? entry.result.stdout : null))).toEqual([
      'pods of bravo\n',
      'pods of alpha\n',
    ]);
  });

  it('"all": a disconnected cluster is reported at once, a failing one carries its exit code, the rest succeed (200)', async () => {
    const executors = await setup(['alpha', 'charlie-broken'], ['bravo']);
    const answer = fanOutCall({ clusterIds: 'all', command: 'get pods' });
    await Promise.all([
      serveOne(executors.get('alpha') as FakeExecutor, 'alpha'),
      serveOne(executors.get('charlie-broken') as FakeExecutor, 'charlie-broken'),
    ]);
    const response = await answer;
    expect(response.status).toBe(200);
    const body = fanOutCommandResponseSchema.parse(await response.json());
    expect(body.summary).toEqual({ clusters: 3, ok: 2, errors: 1 });
    const [alpha, bravo, charlie] = body.results;
    expect(alpha).toMatchObject({
      clusterId: 'alpha',
      status: 'ok',
      result: { status: 'succeeded', exitCode: 0 },
    });
    expect(bravo).toMatchObject({
      clusterId: 'bravo',
      status: 'error',
      error: {
        code: 'executor_unavailable',
        message: expect.stringContaining('no executor of cluster "bravo"') as unknown,
      },
    });
    expect(charlie).toMatchObject({
      clusterId: 'charlie-broken',
      status: 'ok',
      result: { status: 'failed', exitCode: 1, stderr: 'error: the server is on fire\n' },
    });
  });

  it("a policy denial is each cluster's error, not a failed request", async () => {
    await setup(['alpha', 'bravo']);
    const response = await fanOutCall({ clusterIds: ['alpha', 'bravo'], args: ['delete', 'pod', 'x'] });
    expect(response.status).toBe(200);
    const body = fanOutCommandResponseSchema.parse(await response.json());
    expect(body.results.map((entry) => (entry.status === 'error' ? entry.error.code : entry.status))).toEqual(
      ['policy_denied', 'policy_denied'],
    );
  });

  it('a key scoped to alpha asking "all" reaches only alpha; naming bravo gets the single call\'s 404 error', async () => {
    const executors = await setup(['alpha', 'bravo']);
    const issued = await server.call('POST', '/v1/keys', {
      body: { identity: 'alpha-only', role: 'operator', clusters: ['alpha'] },
    });
    expect(issued.status).toBe(201);
    const { key } = issuedKeySchema.parse(await issued.json());
    const scoped = { 'x-api-key': key };

    const all = fanOutCall({ clusterIds: 'all', args: ['get', 'pods'] }, scoped);
    await serveOne(executors.get('alpha') as FakeExecutor, 'alpha');
    const allBody = fanOutCommandResponseSchema.parse(await (await all).json());
    expect(allBody.results.map((entry) => entry.clusterId)).toEqual(['alpha']);
    await expect((executors.get('bravo') as FakeExecutor).nextCommand(300)).rejects.toThrow();

    // Out of scope reads exactly like never registered, as on the single-cluster call.
    const named = await fanOutCall({ clusterIds: ['bravo', 'ghost'], args: ['get', 'pods'] }, scoped);
    const [bravo, ghost] = fanOutCommandResponseSchema.parse(await named.json()).results;
    expect(bravo).toMatchObject({
      clusterId: 'bravo',
      status: 'error',
      error: { code: 'cluster_not_found' },
    });
    expect(JSON.stringify(bravo).replaceAll('bravo', 'x')).toBe(
      JSON.stringify(ghost).replaceAll('ghost', 'x'),
    );
    const single = await server.call('POST', '/v1/commands', {
      as: null,
      headers: scoped,
      body: { clusterId: 'bravo', args: ['get', 'pods'] },
    });
    expect(single.status).toBe(404);
    expect(errorBodySchema.parse(await single.json()).error.code).toBe('cluster_not_found');
  });

  it('answers an empty result for "all" when no cluster is in scope', async () => {
    await setup([]);
    const body = fanOutCommandResponseSchema.parse(
      await (await fanOutCall({ clusterIds: 'all', args: ['get', 'pods'] })).json(),
    );
    expect(body).toEqual({ results: [], summary: { clusters: 0, ok: 0, errors: 0 } });
  });

  it.each([
    [{ clusterIds: [], args: ['get', 'pods'] }, /clusterIds must name at least one cluster/],
    [{ clusterIds: 'every', args: ['get', 'pods'] }, /clusterIds/],
    [{ clusterIds: ['alpha'], clusterId: 'alpha', args: ['get', 'pods'] }, /clusterId/],
    [{ clusterIds: ['alpha'], sessionId: 's1', args: ['get', 'pods'] }, /sessionId/],
    [{ clusterIds: ['Not_A_Cluster'], args: ['get', 'pods'] }, /DNS-1123/],
    [[1, 2], /send a JSON object/],
  ])('refuses %j with 400', async (body, message) => {
    await setup(['alpha']);
    const response = await fanOutCall(body);
    expect(response.status).toBe(400);
    expect(errorBodySchema.parse(await response.json()).error.message).toMatch(message);
  });

  it('viewers may not fan out any more than run one command', async () => {
    await setup(['alpha']);
    const response = await server.call('POST', '/v1/commands', {
      as: 'viewer',
      body: { clusterIds: 'all', args: ['get', 'pods'] },
    });
    expect(response.status).toBe(403);
  });
});
