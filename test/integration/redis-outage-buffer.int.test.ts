import { randomUUID } from 'node:crypto';

import { commandResponseSchema, errorBodySchema } from '@kubently/protocol';
import { afterEach, describe, expect, it } from 'vitest';

import { createFakeKubectl } from '../fixtures/fake-kubectl.js';
import { connectExecutor, startServer } from './support/kubently.js';
import { eventually, stopAll } from './support/processes.js';
import { createPrivateRedis } from './support/redis-server.js';
import type { PrivateRedis } from './support/redis-server.js';

/**
 * Seed 001's "commands queue in API memory for a short time": a real Redis (AOF, private port)
 * SIGKILLed and restarted on the same port under a running server. Commands sent while it is away
 * wait in the outage buffer and run once each when it is back; past the grace a caller gets a
 * definite backend_unavailable and its command never runs.
 */
const redises: PrivateRedis[] = [];
afterEach(async () => {
  await stopAll();
  await Promise.all(redises.splice(0).map((redis) => redis.stop()));
});

const setUp = async (graceMs: number) => {
  const redis = await createPrivateRedis();
  redises.push(redis);
  await redis.start();
  const server = await startServer({
    KUBENTLY_REDIS_URL: redis.url,
    KUBENTLY_REDIS_PREFIX: 'outage:',
    KUBENTLY_REDIS_OUTAGE_GRACE_MS: String(graceMs),
    NODE_OPTIONS: '--unhandled-rejections=strict',
  });
  const clusterId = 'outage';
  const token = await server.api.addCluster(clusterId);
  const kubectl = createFakeKubectl();
  await connectExecutor(server, { clusterId, token, kubectl, env: { KUBENTLY_MAX_BACKOFF_SECONDS: '1' } });
  const ran = (marker: string) => kubectl.invocations().filter((call) => call.argv.includes(marker));
  return { redis, server, clusterId, ran };
};

describe('outage buffer: Redis briefly away', () => {
  it('commands sent while Redis is down wait, then run once each and their callers get the results', async () => {
    const { redis, server, clusterId, ran } = await setUp(60_000);
    await redis.kill();
    // The server has seen the connection drop (a state call now fails or waits).
    await eventually(async () => ((await server.api.get('/readyz')).status === 503 ? true : undefined));
    const markers = Array.from({ length: 5 }, () => `pod-${randomUUID()}`);
    const answers = markers.map((marker) =>
      server.api.post('/v1/commands', { clusterId, args: ['get', 'pods', marker], timeoutSeconds: 60 }),
    );
    // Redis comes back only once every caller is waiting in the buffer (none has an answer yet).
    const settled = await Promise.race([
      Promise.all(answers).then(() => 'answered'),
      new Promise((resolve) => setTimeout(resolve, 1500, 'waiting')),
    ]);
    expect(settled).toBe('waiting');
    await redis.start();
    for (const answer of await Promise.all(answers)) {
      expect(answer.status).toBe(200);
      expect(commandResponseSchema.parse(answer.body).status).toBe('succeeded');
    }
    for (const marker of markers) expect(ran(marker)).toHaveLength(1);
  }, 120_000);

  it('past the grace: a definite backend_unavailable naming KUBENTLY_REDIS_OUTAGE_GRACE_MS, and the command never runs', async () => {
    const { redis, server, clusterId, ran } = await setUp(1000);
    await redis.kill();
    await eventually(async () => ((await server.api.get('/readyz')).status === 503 ? true : undefined));
    const marker = `pod-${randomUUID()}`;
    const answer = await server.api.post('/v1/commands', { clusterId, args: ['get', 'pods', marker] });
    expect(answer.status).toBe(503);
    const error = errorBodySchema.parse(answer.body).error;
    expect(error.code).toBe('backend_unavailable');
    expect(error.message).toContain('KUBENTLY_REDIS_OUTAGE_GRACE_MS=1000');
    await redis.start();
    await eventually(async () => ((await server.api.get('/readyz')).status === 200 ? true : undefined));
    const after = `pod-${randomUUID()}`;
    const recovered = await server.api.post('/v1/commands', { clusterId, args: ['get', 'pods', after] });
    expect(commandResponseSchema.parse(recovered.body).status).toBe('succeeded');
    expect(ran(marker)).toHaveLength(0);
  }, 120_000);
});
