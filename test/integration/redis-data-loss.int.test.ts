import { randomUUID } from 'node:crypto';

import { clusterListSchema, commandResponseSchema, errorBodySchema } from '@kubently/protocol';
import { afterEach, describe, expect, it } from 'vitest';

import { createFakeKubectl } from '../fixtures/fake-kubectl.js';
import { connectExecutor, startExecutor, startServer } from './support/kubently.js';
import type { RunningServer } from './support/kubently.js';
import { eventually, stopAll } from './support/processes.js';
import { createPrivateRedis } from './support/redis-server.js';
import type { PrivateRedis } from './support/redis-server.js';

/**
 * What survives a Redis restart (docs/scale-out.md "Persistence and recovery"): with AOF every
 * registration survives and commands flow again; without persistence Redis comes back empty and
 * Kubently says so definitely (clusters unknown, executors' tokens refused with a message naming
 * the fix), and a server started on the empty Redis starts normally.
 */
const redises: PrivateRedis[] = [];
afterEach(async () => {
  await stopAll();
  await Promise.all(redises.splice(0).map((redis) => redis.stop()));
});

const env = (url: string): Record<string, string> => ({
  KUBENTLY_REDIS_URL: url,
  KUBENTLY_REDIS_PREFIX: 'loss:',
  KUBENTLY_KEEPALIVE_SECONDS: '1',
  // Short: the commands sent while Redis restarts wait this long at most.
  KUBENTLY_REDIS_OUTAGE_GRACE_MS: '5000',
});

const clustersOf = async (server: RunningServer): Promise<string[]> =>
  clusterListSchema.parse((await server.api.get('/v1/clusters')).body).clusters.map((cluster) => cluster.id);

const setUp = async (appendOnly: boolean) => {
  const redis = await createPrivateRedis({ appendOnly });
  redises.push(redis);
  await redis.start();
  const server = await startServer(env(redis.url));
  const clusterId = 'kept-or-lost';
  const token = await server.api.addCluster(clusterId);
  const kubectl = createFakeKubectl();
  const executor = await connectExecutor(server, {
    clusterId,
    token,
    kubectl,
    env: { KUBENTLY_MAX_BACKOFF_SECONDS: '1' },
  });
  const before = await server.api.post('/v1/commands', { clusterId, args: ['get', 'pods', 'before'] });
  expect(commandResponseSchema.parse(before.body).status).toBe('succeeded');
  // SIGKILL: no shutdown save; the AOF (fsync always) is all that survives.
  await redis.kill();
  await redis.start();
  await eventually(async () => ((await server.api.get('/readyz')).status === 200 ? true : undefined));
  return { redis, server, clusterId, executor, token };
};

describe('Redis restarted under a running server', () => {
  it('with AOF: the cluster, its token and the executor survive; commands run again', async () => {
    const { server, clusterId } = await setUp(true);
    expect(await clustersOf(server)).toEqual([clusterId]);
    const marker = `pod-${randomUUID()}`;
    const after = await eventually(async () => {
      const answer = await server.api.post('/v1/commands', { clusterId, args: ['get', 'pods', marker] });
      return answer.status === 200 ? answer : undefined;
    });
    expect(commandResponseSchema.parse(after.body).status).toBe('succeeded');
  }, 120_000);

  it('without persistence: Redis is empty; the cluster is unknown (404), its executor is refused with the fix named, and a new server starts on the empty Redis', async () => {
    const { redis, server, clusterId, executor, token } = await setUp(false);
    expect(await clustersOf(server)).toEqual([]);
    const refused = await server.api.post('/v1/commands', { clusterId, args: ['get', 'pods'] });
    expect(refused.status).toBe(404);
    expect(errorBodySchema.parse(refused.body).error.code).toBe('cluster_not_found');
    // A new executor link with the lost token is refused, with the fix named in its log.
    await executor.stop();
    const again = startExecutor({
      apiUrl: server.url,
      clusterId,
      token,
      kubectl: createFakeKubectl(),
      env: { KUBENTLY_MAX_BACKOFF_SECONDS: '1' },
    });
    await again.waitForLog(
      (line) => typeof line.msg === 'string' && line.msg.includes("the server rejects this executor's token"),
    );
    // A fresh replica on the emptied Redis starts like on a new one; re-registering works.
    const second = await startServer(env(redis.url));
    expect(await clustersOf(second)).toEqual([]);
    await second.api.addCluster(clusterId);
    expect(await clustersOf(server)).toEqual([clusterId]);
  }, 120_000);
});
