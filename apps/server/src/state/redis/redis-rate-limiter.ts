import type { RateDecision, RateLimit, RateLimiter } from '../rate-limiter.js';
import type { RedisKeys } from './redis-keys.js';
import { RedisScript } from './redis-script.js';
import type { RedisClient } from './redis-script.js';

/**
 * KEYS[1]: the bucket hash {tokens, at}. ARGV: now, capacity, perMinute. Returns {1, remaining} or
 * {0, retryAfterMs}. Fields that are not numbers (not written here) read as a full bucket. The TTL
 * is the time to refill completely: an expired bucket is a full one.
 */
const takeScript = new RedisScript(`
local now = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local perMinute = tonumber(ARGV[3])
local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens') or '')
local at = tonumber(redis.call('HGET', KEYS[1], 'at') or '')
if tokens == nil or at == nil then
  tokens = capacity
else
  tokens = math.min(capacity, tokens + math.max(0, now - at) * perMinute / 60000)
end
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil((capacity - tokens) * 60000 / perMinute)))
if allowed == 1 then return {1, math.floor(tokens)} end
return {0, math.ceil((1 - tokens) * 60000 / perMinute)}
`);

export class RedisRateLimiter implements RateLimiter {
  readonly #client: RedisClient;
  readonly #keys: RedisKeys;

  constructor(options: { client: RedisClient; keys: RedisKeys }) {
    this.#client = options.client;
    this.#keys = options.keys;
  }

  async take(key: string, limit: RateLimit, now: number): Promise<RateDecision> {
    const reply = await takeScript.run(
      this.#client,
      [this.#keys.rateBucket(key)],
      [Math.floor(now), limit.capacity, limit.perMinute],
    );
    const [allowed, value] = Array.isArray(reply) ? reply.map(Number) : [];
    if (allowed === 1) return { type: 'allowed', remaining: value ?? 0 };
    return { type: 'limited', retryAfterMs: Math.max(1, value ?? 1) };
  }
}
