import { afterAll, describe, expect, it } from 'vitest';

import { createPrivateRedis } from '../../../../test/integration/support/redis-server.js';
import { ConfigError, parseEnvironment } from '../../src/config.js';
import { isKubentlyError } from '../../src/errors/kubently-error.js';
import type { CommandRecord } from '../../src/state/command-store.js';
import { parseRedisUrl } from '../../src/state/redis/redis-connection.js';
import { createFakeClock } from '../support/fake-clock.js';
import { makeCommand, makeResult } from '../support/commands.js';
import { redisTestStates } from './redis/redis-test-state.js';

const states = redisTestStates();
afterAll(() => states.cleanup());

const origin = { identity: 'alice', role: 'operator', source: 'rest' } as const;

describe('Redis backend: replicas sharing one prefix', () => {
  it('an enqueue on one replica wakes the other, which claims it; each command is claimed once', async () => {
    const prefix = states.newPrefix();
    const a = await states.create({ prefix });
    const b = await states.create({ prefix });
    const woken = new Promise<string>((resolve) => {
      b.queue.onEnqueued(resolve);
    });
    await a.queue.enqueue(makeCommand('c1', 'prod'));
    expect(await woken).toBe('prod');
    const [fromB, fromA] = await Promise.all([
      b.queue.claim('prod', 'ex-b', 5),
      a.queue.claim('prod', 'ex-a', 5),
    ]);
    expect([...fromA, ...fromB].map((command) => command.id)).toEqual(['c1']);
    expect((await a.queue.pending('prod', fromB.length === 1 ? 'ex-b' : 'ex-a')).map((c) => c.id)).toEqual([
      'c1',
    ]);
  });

  it('a result acknowledged on one replica wakes the waiter on the other with the stored record', async () => {
    const prefix = states.newPrefix();
    const a = await states.create({ prefix });
    const b = await states.create({ prefix });
    await b.commands.create(makeCommand('c1'), origin);
    const woken = new Promise<CommandRecord>((resolve) => {
      b.commands.onFinished(resolve);
    });
    const outcome = await a.commands.acknowledge('c1', makeResult('c1', { stdout: 'hello' }), Date.now());
    expect(outcome?.finished).toBe(true);
    const record = await woken;
    expect(record).toMatchObject({ status: 'succeeded', acked: true, result: { stdout: 'hello' } });
    expect(await b.commands.acknowledge('c1', makeResult('c1'), Date.now())).toMatchObject({
      duplicate: true,
    });
  });

  it("replicas share one identity's command slots, atomically: concurrent admissions never pass the limit", async () => {
    const prefix = states.newPrefix();
    const clock = createFakeClock();
    const [a, b] = await Promise.all([states.create({ prefix, clock }), states.create({ prefix, clock })]);
    const limits = { maxInFlight: 5, maxResultBytesPerIdentity: 1 << 20, maxResultBytesTotal: 1 << 20 };
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        (index % 2 === 0 ? a : b).quotas.admit({
          identity: 'alice',
          commandId: `c${index}`,
          releaseAt: clock.now() + 60_000,
          ...limits,
        }),
      ),
    );
    expect(answers.filter((answer) => answer.type === 'admitted')).toHaveLength(5);
    expect((await b.quotas.usage('alice')).inFlight).toBe(5);
    const admitted = answers.findIndex((answer) => answer.type === 'admitted');
    await a.quotas.release('alice', `c${admitted}`);
    expect((await b.quotas.usage('alice')).inFlight).toBe(4);
  });

  it('presence is connected across replicas only while its TTL is refreshed', async () => {
    const prefix = states.newPrefix();
    const a = await states.create({ prefix, presenceTtlMs: 300 });
    const b = await states.create({ prefix, presenceTtlMs: 300 });
    await a.clusters.create({ id: 'prod', createdAt: 1, tokens: [] });
    await a.clusters.putPresence({
      clusterId: 'prod',
      executorId: 'ex',
      connected: true,
      lastSeenAt: Date.now(),
    });
    expect((await b.clusters.listPresence('prod'))[0]?.connected).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await b.clusters.listPresence('prod'))[0]?.connected).toBe(false);
  });
});

describe('Redis backend: orphan reaper', () => {
  it('releases and reports only commands of executors no replica vouches for, past the grace', async () => {
    const clock = createFakeClock();
    const state = await states.create({ clock, redeliveryGraceMs: 10_000, presenceTtlMs: 60_000 });
    const lost: [string, string][] = [];
    state.onLost((command, executorId) => {
      lost.push([command.id, executorId]);
      return Promise.resolve();
    });
    await state.clusters.create({ id: 'prod', createdAt: 1, tokens: [] });
    for (const id of ['c1', 'c2', 'c3']) await state.queue.enqueue(makeCommand(id));
    await state.queue.claim('prod', 'alive', 1);
    await state.queue.claim('prod', 'recent', 1);
    await state.queue.claim('prod', 'gone', 1);
    await state.clusters.putPresence({
      clusterId: 'prod',
      executorId: 'alive',
      connected: true,
      lastSeenAt: clock.now(),
    });
    await state.clusters.putPresence({
      clusterId: 'prod',
      executorId: 'recent',
      connected: false,
      lastSeenAt: clock.now(),
    });

    expect(await state.reap()).toBe(1);
    expect(lost).toEqual([['c3', 'gone']]);
    clock.advance(10_000);
    expect(await state.reap()).toBe(1);
    expect(lost).toEqual([
      ['c3', 'gone'],
      ['c2', 'recent'],
    ]);
    expect(await state.reap()).toBe(0);
    expect((await state.queue.pending('prod', 'alive')).map((command) => command.id)).toEqual(['c1']);
  });
});

describe('Redis backend: Redis going away', () => {
  it('answers backend_unavailable while Redis is down and works again after it returns', async () => {
    const redis = await createPrivateRedis();
    await redis.start();
    const state = await states.create({ url: redis.url });
    try {
      await state.clusters.create({ id: 'prod', createdAt: 1, tokens: [] });
      await redis.stop();
      await expect(state.ping()).rejects.toMatchObject({ code: 'backend_unavailable' });
      const failed: unknown = await state.queue.enqueue(makeCommand('c1')).catch((error: unknown) => error);
      expect(isKubentlyError(failed) && failed.code === 'backend_unavailable').toBe(true);
      expect(isKubentlyError(failed) ? failed.message : '').toContain('KUBENTLY_REDIS_URL');
      await redis.start();
      for (let attempt = 0; attempt < 100; attempt += 1) {
        if (
          await state.ping().then(
            () => true,
            () => false,
          )
        )
          break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await state.ping();
      expect((await state.clusters.get('prod'))?.id).toBe('prod');
    } finally {
      await redis.stop();
    }
  });

  it('names KUBENTLY_REDIS_URL when Redis does not answer at start', async () => {
    const redis = await createPrivateRedis();
    await expect(states.create({ url: redis.url })).rejects.toThrow(/KUBENTLY_REDIS_URL/);
  });
});

describe('Redis backend: configuration', () => {
  it.each([
    ['redis://127.0.0.1:6379', { type: 'single', url: 'redis://127.0.0.1:6379' }],
    ['rediss://:pw@cache.internal:6380/2', { type: 'single' }],
    [
      'redis+sentinel://:s3cret@s1:26379,s2/mymaster/3',
      {
        type: 'sentinel',
        name: 'mymaster',
        db: 3,
        password: 's3cret',
        tls: false,
        sentinels: [
          { host: 's1', port: 26379 },
          { host: 's2', port: 26379 },
        ],
      },
    ],
    [
      'rediss+cluster://n1:7000,[::1]:7001',
      {
        type: 'cluster',
        tls: true,
        nodes: [
          { host: 'n1', port: 7000 },
          { host: '::1', port: 7001 },
        ],
      },
    ],
  ])('parses %s', (url, expected) => {
    expect(parseRedisUrl(url)).toMatchObject(expected);
  });

  it('rejects what is not a Redis URL, and a Sentinel URL without a master name', () => {
    expect(() => parseRedisUrl('http://127.0.0.1:6379')).toThrow(/redis:\/\/host:6379/);
    expect(() => parseRedisUrl('redis+sentinel://s1:26379')).toThrow(/mymaster/);
  });

  it('reads KUBENTLY_REDIS_URL and KUBENTLY_REDIS_PREFIX; memory stays the default', () => {
    expect(parseEnvironment({})).toMatchObject({ redisUrl: null, redisPrefix: 'kubently:' });
    expect(
      parseEnvironment({ KUBENTLY_REDIS_URL: 'redis://127.0.0.1:6379', KUBENTLY_REDIS_PREFIX: 'team-a:' }),
    ).toMatchObject({ redisUrl: 'redis://127.0.0.1:6379', redisPrefix: 'team-a:' });
    expect(() => parseEnvironment({ KUBENTLY_REDIS_URL: 'localhost:6379' })).toThrow(ConfigError);
    expect(() => parseEnvironment({ KUBENTLY_REDIS_PREFIX: '{team}' })).toThrow(/KUBENTLY_REDIS_PREFIX/);
  });
});
