import { afterEach, describe, expect, it } from 'vitest';

import type { ClusterList, ClusterTokenResponse, ErrorBody } from '@kubently/protocol';

import { hashSecret } from '../../src/auth/secrets.js';
import { createTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';

let server: TestServer;

afterEach(async () => {
  await server.close();
});

describe('clusters', { timeout: 20_000 }, () => {
  it('creates a cluster with a 256-bit token shown once and stored only as its hash', async () => {
    server = createTestServer();
    const response = await server.call('POST', '/v1/clusters', { body: { id: 'prod' } });
    expect(response.status).toBe(201);
    const body = (await response.json()) as ClusterTokenResponse;
    expect(body.id).toBe('prod');
    expect(Buffer.from(body.token.replace(/^kbt_/, ''), 'base64url')).toHaveLength(32);
    const record = await server.services.state.clusters.get('prod');
    expect(record?.tokens).toEqual([{ hash: hashSecret(body.token), expiresAt: null }]);
    expect(JSON.stringify(await (await server.call('GET', '/v1/clusters')).json())).not.toContain(body.token);
    const again = await server.call('POST', '/v1/clusters', { body: { id: 'prod' } });
    expect(again.status).toBe(409);
    expect(((await again.json()) as ErrorBody).error.code).toBe('cluster_exists');
  });

  it('lists presence and what the executor reported', async () => {
    server = createTestServer();
    const token = await server.createCluster('prod');
    await server.createCluster('idle');
    const executor = await server.connectExecutor(token, { executorId: 'ex-1' });
    const reported = await server.app.request('/v1/executor/capabilities', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'x-executor-id': 'ex-1',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        executorId: 'ex-1',
        executorVersion: '0.1.0',
        mode: 'readOnly',
        kubectlVersion: 'v1.31.0',
        kubernetesVersion: 'v1.31.2',
        maxConcurrency: 4,
        transport: 'sse',
      }),
    });
    expect(reported.status).toBe(204);
    const { clusters } = (await (
      await server.call('GET', '/v1/clusters', { as: 'viewer' })
    ).json()) as ClusterList;
    expect(clusters.map((cluster) => cluster.id)).toEqual(['idle', 'prod']);
    expect(clusters[0]).toMatchObject({ connected: false, executors: 0, lastSeenAt: null, mode: null });
    expect(clusters[1]).toMatchObject({
      connected: true,
      executors: 1,
      mode: 'readOnly',
      executorVersion: '0.1.0',
      kubectlVersion: 'v1.31.0',
      kubernetesVersion: 'v1.31.2',
    });
    expect(clusters[1]?.lastSeenAt).not.toBeNull();
    await executor.disconnect();
    const after = (await (await server.call('GET', '/v1/clusters/prod')).json()) as { connected: boolean };
    expect(after.connected).toBe(false);
  });

  it('deletes a cluster: its stream closes, its token is answered 410 cluster_removed, its waiting commands fail', async () => {
    server = createTestServer();
    const token = await server.createCluster('prod');
    const executor = await server.connectExecutor(token);
    const pending = server.call('POST', '/v1/commands', {
      body: { clusterId: 'prod', args: ['get', 'pods'] },
    });
    await executor.nextCommand();
    expect((await server.call('DELETE', '/v1/clusters/prod')).status).toBe(204);
    expect(await executor.reader.nextFrame()).toBeUndefined();
    expect(await (await pending).json()).toMatchObject({
      status: 'failed',
      failure: { code: 'executor_error' },
    });
    const refused = await server.app.request('/v1/executor/stream', {
      headers: { authorization: `Bearer ${token}`, 'x-executor-id': 'ex' },
    });
    // The executor still holding the token is told the cluster is gone (it stops), not "bad token".
    expect(refused.status).toBe(410);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('cluster_removed');
    const stranger = await server.app.request('/v1/executor/stream', {
      headers: { authorization: 'Bearer kbt_never-issued', 'x-executor-id': 'ex' },
    });
    expect(stranger.status).toBe(401);
    expect((await server.call('DELETE', '/v1/clusters/prod')).status).toBe(404);
  });
});
