import { randomUUID } from 'node:crypto';

import { commandResponseSchema, errorBodySchema } from '@kubently/protocol';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { createFakeKubectl } from '../fixtures/fake-kubectl.js';
import type { FakeKubectl } from '../fixtures/fake-kubectl.js';
import { connectExecutor, startServer } from './support/kubently.js';
import type { HttpAnswer, RunningServer } from './support/kubently.js';
import { eventually, stopAll } from './support/processes.js';
import { startRedisFaultProxy } from './support/redis-fault-proxy.js';
import type { FaultTrigger, RedisFaultProxy } from './support/redis-fault-proxy.js';
import { createPrivateRedis } from './support/redis-server.js';
import type { PrivateRedis } from './support/redis-server.js';

/**
 * Redis failing at the three points of a command's life: as the server queues it (EVALSHA of the
 * enqueue script), as it hands it to an executor (the XREADGROUP reply), as it records the
 * executor's result (EVALSHA of the acknowledge script). Real server, executor and Redis (a
 * private one on a free port: it is killed and paused), with a relay that picks the exact moment.
 * Each test: the server stays up, the caller gets a definite answer by its deadline, nothing runs
 * that the caller was told did not, and new commands work once Redis is back.
 */

/** How long a paused Redis stays paused: past the server's 5 s Redis command timeout. */
const pauseMs = 8000;
/** Longer than a command's deadline plus the Redis command timeout. */
const longPauseMs = 12_000;
const clusterId = 'faults';

interface Rig {
  readonly redis: PrivateRedis;
  readonly proxy: RedisFaultProxy;
  readonly server: RunningServer;
  readonly kubectl: FakeKubectl;
}

const rigs: Rig[] = [];
/** What each scenario saw, printed at the end (the figures of the report). */
const seen: Record<string, unknown>[] = [];

const startRig = async (): Promise<Rig> => {
  const redis = await createPrivateRedis();
  await redis.start();
  const proxy = await startRedisFaultProxy(redis.port);
  const server = await startServer({
    KUBENTLY_REDIS_URL: proxy.url,
    KUBENTLY_REDIS_PREFIX: 'faults:',
    // Any unhandled rejection ends the process (the default, stated so a hook cannot hide one).
    NODE_OPTIONS: '--unhandled-rejections=strict',
  });
  const token = await server.api.addCluster(clusterId);
  const kubectl = createFakeKubectl();
  await connectExecutor(server, {
    clusterId,
    token,
    kubectl,
    env: { KUBENTLY_MAX_BACKOFF_SECONDS: '1' },
  });
  const rig = { redis, proxy, server, kubectl };
  rigs.push(rig);
  // A running server has loaded its scripts: a fault then hits the EVALSHA itself, not a NOSCRIPT.
  const warm = await run(rig, ['get', 'pods', 'warm-up'], 20);
  expect(commandResponseSchema.parse(warm.body).status).toBe('succeeded');
  return rig;
};

const run = (rig: Rig, args: string[], timeoutSeconds: number): Promise<HttpAnswer> =>
  rig.server.api.post('/v1/commands', { clusterId, args, timeoutSeconds });

const ranWith = (rig: Rig, marker: string) =>
  rig.kubectl.invocations().filter((invocation) => invocation.argv.includes(marker));

/** Case-insensitive: ioredis sends command names as written (`evalsha`). */
const sends = (text: string, ...parts: string[]): boolean =>
  parts.every((part) => text.toLowerCase().includes(part.toLowerCase()));

const errorCode = (answer: HttpAnswer): string => errorBodySchema.parse(answer.body).error.code;

/** The process is up, answers /healthz, and never reported an unhandled rejection. */
const expectAlive = async (rig: Rig): Promise<void> => {
  expect(rig.server.process.child.exitCode).toBeNull();
  expect(rig.server.process.child.signalCode).toBeNull();
  expect((await rig.server.api.get('/healthz')).status).toBe(200);
  expect(rig.server.process.output()).not.toMatch(/unhandled ?rejection|uncaught/i);
};

/** Once Redis answers again: ready, and a new command runs once and succeeds. */
const expectRecovered = async (rig: Rig): Promise<void> => {
  await eventually(async () => ((await rig.server.api.get('/readyz')).status === 200 ? true : undefined));
  const marker = `pod-${randomUUID()}`;
  const answer = await eventually(async () => {
    const attempt = await run(rig, ['get', 'pods', marker], 20);
    return attempt.status === 503 ? undefined : attempt;
  });
  expect(answer.status).toBe(200);
  expect(commandResponseSchema.parse(answer.body).status).toBe('succeeded');
  expect(ranWith(rig, marker)).toHaveLength(1);
};

const finalRecord = (rig: Rig, id: string) =>
  eventually(async () => {
    const answer = await rig.server.api.get(`/v1/commands/${id}`);
    if (answer.status !== 200) return undefined;
    const record = commandResponseSchema.parse(answer.body);
    return record.status === 'succeeded' || record.status === 'failed' ? record : undefined;
  });

/** SIGSTOP now, SIGCONT after `ms`; `isPaused` tells whether an answer came while Redis answered nothing. */
const pauseRedis = (rig: Rig, ms: number): { isPaused: () => boolean; resumed: Promise<void> } => {
  let paused = true;
  rig.redis.pause();
  const resumed = new Promise<void>((resolve) => {
    setTimeout(() => {
      paused = false;
      rig.redis.resume();
      resolve();
    }, ms);
  });
  return { isPaused: () => paused, resumed };
};

const kill = (rig: Rig, direction: FaultTrigger['direction'], forward: boolean, ...parts: string[]) =>
  rig.proxy.arm({
    direction,
    forward,
    match: (text) => sends(text, ...parts),
    action: () => rig.redis.kill(),
  });

describe('Redis failing while commands are in flight', () => {
  afterEach(async () => {
    await stopAll();
    for (const rig of rigs.splice(0)) {
      await rig.proxy.close();
      await rig.redis.stop();
    }
  });
  afterAll(() => {
    console.info(JSON.stringify(seen, null, 1));
  });

  it('stopped as the command is queued: 503 backend_unavailable at once, the command is withdrawn and never runs', async () => {
    const rig = await startRig();
    const marker = `pod-${randomUUID()}`;
    const killed = kill(rig, 'to-redis', false, 'evalsha', marker);
    const answer = await run(rig, ['get', 'pods', marker], 4);
    await killed;
    expect(answer.status).toBe(503);
    expect(errorCode(answer)).toBe('backend_unavailable');
    expect(answer.headers.get('retry-after')).toBe('5');
    const commandId = String(errorBodySchema.parse(answer.body).error.details?.commandId);

    // Redis comes back with the record the server wrote before the enqueue (AOF). The server tried
    // to withdraw the command at once (Redis was dead) and tries again at its deadline (4 s).
    await rig.redis.start();
    const record = await finalRecord(rig, commandId);
    expect(record.status).toBe('failed');
    expect(record.failure?.message).toMatch(/withdrawn/);
    await expectAlive(rig);
    expect(ranWith(rig, marker)).toHaveLength(0);
    await expectRecovered(rig);
    seen.push({
      scenario: 'killed at enqueue',
      status: answer.status,
      code: errorCode(answer),
      record: record.status,
    });
  });

  it('paused as the command is queued: 503 within the Redis command timeout, withdrawn in order once Redis resumes', async () => {
    const rig = await startRig();
    const marker = `pod-${randomUUID()}`;
    let pause: ReturnType<typeof pauseRedis> | undefined;
    const paused = rig.proxy.arm({
      direction: 'to-redis',
      forward: true,
      match: (text) => sends(text, 'evalsha', marker),
      action: () => {
        pause = pauseRedis(rig, pauseMs);
        return Promise.resolve();
      },
    });
    const started = Date.now();
    const answering = run(rig, ['get', 'pods', marker], 30);
    await paused;
    // Readiness tells the truth while Redis answers nothing.
    const ready = await rig.server.api.get('/readyz');
    const answer = await answering;
    const answeredAfterMs = Date.now() - started;
    expect(pause?.isPaused()).toBe(true);
    expect(ready.status).toBe(503);
    expect(answer.status).toBe(503);
    expect(errorCode(answer)).toBe('backend_unavailable');
    expect(errorBodySchema.parse(answer.body).error.message).toMatch(/timed out/);
    const commandId = String(errorBodySchema.parse(answer.body).error.details?.commandId);

    await pause?.resumed;
    // The queued EVALSHA runs when Redis resumes, then the withdrawal sent after it on the same
    // connection: the command ends failed and the executor never gets it.
    const record = await finalRecord(rig, commandId);
    expect(record.status).toBe('failed');
    expect(record.failure?.message).toMatch(/withdrawn/);
    await expectAlive(rig);
    await expectRecovered(rig);
    expect(ranWith(rig, marker)).toHaveLength(0);
    seen.push({
      scenario: 'paused at enqueue',
      status: answer.status,
      answeredAfterMs,
      readyz: ready.status,
      record: record.status,
    });
  });

  it('stopped as the command is handed to the executor: once Redis is back the claimed command is sent again and runs once', async () => {
    const rig = await startRig();
    const marker = `pod-${randomUUID()}`;
    // Redis has moved the entry to the executor's pending list; the reply never reaches the server.
    const killed = kill(rig, 'to-server', false, marker);
    const answering = run(rig, ['get', 'pods', marker], 20);
    await killed;
    await rig.redis.start();
    const answer = await answering;
    expect(answer.status).toBe(200);
    expect(commandResponseSchema.parse(answer.body).status).toBe('succeeded');
    expect(ranWith(rig, marker)).toHaveLength(1);
    await expectAlive(rig);
    await expectRecovered(rig);
    seen.push({ scenario: 'killed at delivery', status: answer.status });
  });

  it('paused as the command is handed to the executor: it is sent once Redis answers again and runs once', async () => {
    const rig = await startRig();
    const marker = `pod-${randomUUID()}`;
    const held = rig.proxy.arm({
      direction: 'to-server',
      forward: true,
      match: (text) => text.includes(marker),
      action: async () => {
        rig.redis.pause();
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
        rig.redis.resume();
      },
    });
    const started = Date.now();
    const answer = await run(rig, ['get', 'pods', marker], 20);
    const answeredAfterMs = Date.now() - started;
    await held;
    expect(answer.status).toBe(200);
    expect(commandResponseSchema.parse(answer.body).status).toBe('succeeded');
    expect(ranWith(rig, marker)).toHaveLength(1);
    await expectAlive(rig);
    await expectRecovered(rig);
    seen.push({ scenario: 'paused at delivery', status: answer.status, answeredAfterMs });
  });

  it('paused past the deadline as the command is handed to the executor: a definite error while Redis is still paused', async () => {
    const rig = await startRig();
    const marker = `pod-${randomUUID()}`;
    let pause: ReturnType<typeof pauseRedis> | undefined;
    const held = rig.proxy.arm({
      direction: 'to-server',
      forward: true,
      match: (text) => text.includes(marker),
      action: async () => {
        pause = pauseRedis(rig, longPauseMs);
        await pause.resumed;
      },
    });
    const started = Date.now();
    // Deadline 3 s; the call that ends the command is bounded by the Redis command timeout (5 s).
    const answer = await run(rig, ['get', 'pods', marker], 3);
    const answeredAfterMs = Date.now() - started;
    expect(pause?.isPaused()).toBe(true);
    expect(answer.status).toBe(503);
    expect(errorCode(answer)).toBe('backend_unavailable');
    await held;
    await expectAlive(rig);
    await expectRecovered(rig);
    seen.push({
      scenario: 'paused past deadline at delivery',
      status: answer.status,
      code: errorCode(answer),
      answeredAfterMs,
    });
  });

  it('stopped as the result is recorded: the executor retries once Redis is back and the caller gets the result', async () => {
    const rig = await startRig();
    const marker = `pod-${randomUUID()}`;
    // The acknowledge script carries the result, whose stdout names the marker.
    const killed = kill(rig, 'to-redis', false, 'evalsha', marker, '"stdout"');
    const answering = run(rig, ['get', 'pods', marker], 20);
    await killed;
    await rig.redis.start();
    const answer = await answering;
    expect(answer.status).toBe(200);
    const response = commandResponseSchema.parse(answer.body);
    expect(response.status).toBe('succeeded');
    expect(response.stdout).toContain(marker);
    expect(ranWith(rig, marker)).toHaveLength(1);
    await expectAlive(rig);
    await expectRecovered(rig);
    seen.push({ scenario: 'killed at result', status: answer.status, record: response.status });
  });

  it('paused as the result is recorded: the caller gets the result by its deadline', async () => {
    const rig = await startRig();
    const marker = `pod-${randomUUID()}`;
    const paused = rig.proxy.arm({
      direction: 'to-redis',
      forward: true,
      match: (text) => sends(text, 'evalsha', marker, '"stdout"'),
      action: () => {
        rig.redis.pause();
        return Promise.resolve();
      },
    });
    const started = Date.now();
    const answering = run(rig, ['get', 'pods', marker], 15);
    await paused;
    setTimeout(() => {
      rig.redis.resume();
    }, pauseMs);
    const answer = await answering;
    const answeredAfterMs = Date.now() - started;
    expect(answer.status).toBe(200);
    const response = commandResponseSchema.parse(answer.body);
    expect(response.status).toBe('succeeded');
    expect(response.stdout).toContain(marker);
    expect(ranWith(rig, marker)).toHaveLength(1);
    await expectAlive(rig);
    await expectRecovered(rig);
    seen.push({ scenario: 'paused at result', status: answer.status, answeredAfterMs });
  });
});
