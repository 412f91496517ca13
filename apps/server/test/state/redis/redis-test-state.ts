import { randomUUID } from 'node:crypto';

import { Redis } from 'ioredis';
import { pino } from 'pino';

import { createBackendErrorCounter } from '../../../src/state/backend-error-counter.js';
import { BadDataReporter } from '../../../src/state/redis/bad-data-reporter.js';
import { createRedisState } from '../../../src/state/redis/create-redis-state.js';
import type { RedisStateOptions, RedisStateStore } from '../../../src/state/redis/create-redis-state.js';
import { systemClock } from '../../../src/support/clock.js';

/** The machine's Redis (CI has it too); every test gets its own key prefix, deleted afterwards. */
export const redisUrl = 'redis://127.0.0.1:6379';

/** A reporter for stores built by hand in tests: counts, logs nothing. */
export const silentReporter = (): BadDataReporter =>
  new BadDataReporter({ logger: pino({ level: 'silent' }), errors: createBackendErrorCounter() });

export interface RedisTestStates {
  /** A new state store; the same `prefix` shares its keys with another store (a second replica). */
  create(options?: Partial<RedisStateOptions>): Promise<RedisStateStore>;
  newPrefix(): string;
  /** Closes every store and deletes every key under the prefixes handed out. */
  cleanup(): Promise<void>;
}

/**
 * `url`: the machine's Redis by default; a function for a private topology started in `beforeAll`
 * (its keys die with its processes, so cleanup only closes the stores there).
 */
export const redisTestStates = (url: string | (() => string) = redisUrl): RedisTestStates => {
  const urlNow = (): string => (typeof url === 'string' ? url : url());
  const stores: RedisStateStore[] = [];
  const prefixes = new Set<string>();
  const newPrefix = (): string => {
    const prefix = `kubently-test:${randomUUID()}:`;
    prefixes.add(prefix);
    return prefix;
  };
  return {
    newPrefix,
    create: async (options = {}) => {
      const prefix = options.prefix ?? newPrefix();
      prefixes.add(prefix);
      const store = await createRedisState({
        url: urlNow(),
        clock: systemClock,
        resultTtlMs: 60_000,
        auditMaxRecords: 1000,
        presenceTtlMs: 30_000,
        redeliveryGraceMs: 10_000,
        reapIntervalMs: 3_600_000,
        logger: pino({ level: 'silent' }),
        ...options,
        prefix,
      });
      stores.push(store);
      return store;
    },
    cleanup: async () => {
      await Promise.all(stores.map((store) => store.close()));
      if (urlNow() !== redisUrl) return;
      const client = new Redis(redisUrl);
      try {
        for (const prefix of prefixes) {
          let cursor = '0';
          do {
            const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
            cursor = next;
            if (keys.length > 0) await client.del(...keys);
          } while (cursor !== '0');
        }
      } finally {
        client.disconnect();
      }
    },
  };
};
