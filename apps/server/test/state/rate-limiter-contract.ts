import { randomUUID } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import type { RateLimiter } from '../../src/state/rate-limiter.js';

export type RateLimiterFactory = () => Promise<RateLimiter> | RateLimiter;

/** Every RateLimiter implementation (memory, Redis) must pass this. */
export const rateLimiterContract = (name: string, create: RateLimiterFactory): void => {
  describe(`${name}: RateLimiter contract`, () => {
    const limit = { capacity: 3, perMinute: 60 };

    it('allows a burst of `capacity`, then says when the next token is back', async () => {
      const limiter = await create();
      const key = `k-${randomUUID()}`;
      const now = 1_000_000;
      const taken = [];
      for (let index = 0; index < 3; index += 1) taken.push(await limiter.take(key, limit, now));
      expect(taken).toEqual([
        { type: 'allowed', remaining: 2 },
        { type: 'allowed', remaining: 1 },
        { type: 'allowed', remaining: 0 },
      ]);
      expect(await limiter.take(key, limit, now)).toEqual({ type: 'limited', retryAfterMs: 1000 });
      expect(await limiter.take(key, limit, now + 400)).toEqual({ type: 'limited', retryAfterMs: 600 });
    });

    it('refills at perMinute and never above capacity', async () => {
      const limiter = await create();
      const key = `k-${randomUUID()}`;
      for (let index = 0; index < 3; index += 1) await limiter.take(key, limit, 0);
      expect((await limiter.take(key, limit, 1000)).type).toBe('allowed');
      expect((await limiter.take(key, limit, 1000)).type).toBe('limited');
      // An hour later the bucket holds capacity, not 3600 tokens.
      const later = 3_600_000;
      for (let index = 0; index < 3; index += 1)
        expect((await limiter.take(key, limit, later)).type).toBe('allowed');
      expect((await limiter.take(key, limit, later)).type).toBe('limited');
    });

    it('keeps buckets apart', async () => {
      const limiter = await create();
      const [a, b] = [`a-${randomUUID()}`, `b-${randomUUID()}`];
      for (let index = 0; index < 3; index += 1) await limiter.take(a, limit, 0);
      expect((await limiter.take(a, limit, 0)).type).toBe('limited');
      expect((await limiter.take(b, limit, 0)).type).toBe('allowed');
    });
  });
};
