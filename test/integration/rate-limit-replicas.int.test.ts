import { randomBytes, randomUUID } from 'node:crypto';

import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createConfig, start } from '@kubently/server';
import type { RunningServer } from '@kubently/server';

import { redisTestStates } from '../../apps/server/test/state/redis/redis-test-state.js';

/** Issue #14 item 3: two replicas on one Redis share one request budget per key. */
describe('rate limits across replicas', () => {
  const states = redisTestStates();
  const key = `viewer-${randomBytes(16).toString('hex')}`;
  const identity = `reader-${randomUUID().slice(0, 8)}`;
  const replicas: RunningServer[] = [];
  const stopped = { now: () => Date.parse('2026-06-01T00:00:00Z') };

  beforeAll(async () => {
    const prefix = states.newPrefix();
    for (let index = 0; index < 2; index += 1) {
      replicas.push(
        await start(
          createConfig({
            host: '127.0.0.1',
            port: 0,
            logLevel: 'silent',
            apiKeys: [{ identity, key, role: 'viewer' }],
            rateLimitsPerRole: { viewer: 4 },
          }),
          // A stopped clock: no token comes back during the test, however slow the machine.
          {
            logger: pino({ level: 'silent' }),
            clock: stopped,
            state: await states.create({ prefix, clock: stopped }),
          },
        ),
      );
    }
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.close()));
    await states.cleanup();
  });

  it('four requests spread over two replicas use the budget; the fifth, on either, is 429', async () => {
    const ask = async (replica: RunningServer): Promise<number> =>
      (await fetch(`${replica.url}/v1/clusters`, { headers: { 'x-api-key': key } })).status;
    const [first, second] = replicas as [RunningServer, RunningServer];
    expect([await ask(first), await ask(second), await ask(first), await ask(second)]).toEqual([
      200, 200, 200, 200,
    ]);
    const limited = await fetch(`${first.url}/v1/clusters`, { headers: { 'x-api-key': key } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await ask(second)).toBe(429);
  });
});
