/** A token bucket: `capacity` requests at once, refilled at `perMinute` a minute. */
export interface RateLimit {
  readonly capacity: number;
  readonly perMinute: number;
}

export type RateDecision =
  | { readonly type: 'allowed'; readonly remaining: number }
  | { readonly type: 'limited'; readonly retryAfterMs: number };

/**
 * Token buckets by key (an identity, a service identity), shared by every replica with Redis so
 * replicas share one budget. `now` comes from the caller's injected clock.
 */
export interface RateLimiter {
  /** Takes one token from `key`'s bucket, or says how long until one is back. */
  take(key: string, limit: RateLimit, now: number): Promise<RateDecision>;
}

/** The refill arithmetic both implementations share (Redis runs the same steps in Lua). */
export const refill = (tokens: number, updatedAt: number, limit: RateLimit, now: number): number =>
  Math.min(limit.capacity, tokens + (Math.max(0, now - updatedAt) * limit.perMinute) / 60_000);
