import type { RateDecision, RateLimit, RateLimiter } from '../rate-limiter.js';
import { refill } from '../rate-limiter.js';

/** Buckets remembered at once; the least recently used is forgotten first (a full bucket is the default). */
const maxBuckets = 100_000;

export class MemoryRateLimiter implements RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; updatedAt: number }>();

  take(key: string, limit: RateLimit, now: number): Promise<RateDecision> {
    const previous = this.#buckets.get(key);
    const tokens =
      previous === undefined ? limit.capacity : refill(previous.tokens, previous.updatedAt, limit, now);
    this.#buckets.delete(key);
    if (tokens >= 1) {
      this.#buckets.set(key, { tokens: tokens - 1, updatedAt: now });
      this.#evict();
      return Promise.resolve({ type: 'allowed', remaining: Math.floor(tokens - 1) });
    }
    this.#buckets.set(key, { tokens, updatedAt: now });
    return Promise.resolve({
      type: 'limited',
      retryAfterMs: Math.ceil(((1 - tokens) * 60_000) / limit.perMinute),
    });
  }

  #evict(): void {
    while (this.#buckets.size > maxBuckets) {
      const oldest = this.#buckets.keys().next();
      if (oldest.done === true) return;
      this.#buckets.delete(oldest.value);
    }
  }
}
