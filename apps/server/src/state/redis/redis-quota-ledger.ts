import type { Clock } from '../../support/clock.js';
import type { QuotaAdmission, QuotaLedger, QuotaLimit, QuotaRequest, QuotaUsage } from '../quota-ledger.js';
import type { RedisKeys } from './redis-keys.js';
import { RedisScript } from './redis-script.js';
import type { RedisClient } from './redis-script.js';

/**
 * KEYS: slots, results, result bytes (of the identity), all results, all result bytes.
 * Forgets expired slots and results (at most 1000 results per set per call; the rest next time,
 * so a backlog only ever over-counts), as a prefix shared by the scripts below.
 */
const forget = `
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
-- A sum or size this ledger did not write (not a number) counts as 0 and a bad sum is dropped,
-- so HINCRBY never meets it: the ledger heals instead of failing every command.
local function heal(bytes)
  if not tonumber(redis.call('HGET', bytes, '#sum') or '0') then redis.call('HDEL', bytes, '#sum') end
end
local function forget(results, bytes)
  heal(bytes)
  local expired = redis.call('ZRANGEBYSCORE', results, '-inf', now, 'LIMIT', 0, 1000)
  if #expired == 0 then return end
  for _, id in ipairs(expired) do
    local size = tonumber(redis.call('HGET', bytes, id) or '0') or 0
    redis.call('HDEL', bytes, id)
    if size > 0 then redis.call('HINCRBY', bytes, '#sum', -size) end
  end
  redis.call('ZREM', results, unpack(expired))
end
forget(KEYS[2], KEYS[3])
forget(KEYS[4], KEYS[5])
local function sum(bytes) return tonumber(redis.call('HGET', bytes, '#sum') or '0') or 0 end
-- Key TTLs are relative: the callers' clock (injected, possibly fake) need not match Redis's.
local function expireWith(key, set)
  local last = redis.call('ZRANGE', set, -1, -1, 'WITHSCORES')
  local score = last[2] and tonumber(last[2])
  if score then redis.call('PEXPIRE', key, math.max(1, math.floor(score - now))) end
end
local function first(set)
  local head = redis.call('ZRANGE', set, 0, 0, 'WITHSCORES')
  if head[2] then return head[2] end
  return ARGV[1]
end
`;

/** ARGV: now, commandId, releaseAt, maxInFlight, maxIdentityBytes, maxTotalBytes. */
const admitScript = new RedisScript(`${forget}
if redis.call('ZSCORE', KEYS[1], ARGV[2]) then return {'admitted'} end
local slots = redis.call('ZCARD', KEYS[1])
if slots >= tonumber(ARGV[4]) then return {'commands-in-flight-per-identity', slots, first(KEYS[1])} end
local mine = sum(KEYS[3])
if mine >= tonumber(ARGV[5]) then return {'result-bytes-per-identity', mine, first(KEYS[2])} end
local total = sum(KEYS[5])
if total >= tonumber(ARGV[6]) then return {'result-bytes-total', total, first(KEYS[4])} end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
expireWith(KEYS[1], KEYS[1])
return {'admitted'}`);

/** ARGV: now, commandId, bytes, expiresAt. The all-results hash tells whether it was counted. */
const retainScript = new RedisScript(`${forget}
if redis.call('HEXISTS', KEYS[5], ARGV[2]) == 1 then return 0 end
for _, pair in ipairs({{KEYS[2], KEYS[3]}, {KEYS[4], KEYS[5]}}) do
  redis.call('ZADD', pair[1], ARGV[4], ARGV[2])
  redis.call('HSET', pair[2], ARGV[2], ARGV[3])
  redis.call('HINCRBY', pair[2], '#sum', ARGV[3])
  expireWith(pair[1], pair[1])
  expireWith(pair[2], pair[1])
end
return 1`);

/** ARGV: now. */
const usageScript = new RedisScript(`${forget}
return {redis.call('ZCARD', KEYS[1]), sum(KEYS[3]), sum(KEYS[5])}`);

const limits: ReadonlySet<string> = new Set<QuotaLimit>([
  'commands-in-flight-per-identity',
  'result-bytes-per-identity',
  'result-bytes-total',
]);

const isLimit = (value: unknown): value is QuotaLimit => typeof value === 'string' && limits.has(value);

/**
 * The quota ledger in Redis: per identity a sorted set of slots by release time and a sorted set
 * plus hash of retained result sizes; the same two for all identities. Every key carries the hash
 * tag `{quota}`, so each script runs on one Redis Cluster slot and is atomic across replicas.
 */
export class RedisQuotaLedger implements QuotaLedger {
  readonly #client: RedisClient;
  readonly #keys: RedisKeys;
  readonly #clock: Clock;

  constructor(options: { client: RedisClient; keys: RedisKeys; clock: Clock }) {
    this.#client = options.client;
    this.#keys = options.keys;
    this.#clock = options.clock;
  }

  async admit(request: QuotaRequest): Promise<QuotaAdmission> {
    const reply = await admitScript.run(this.#client, this.#keysOf(request.identity), [
      this.#clock.now(),
      request.commandId,
      request.releaseAt,
      request.maxInFlight,
      request.maxResultBytesPerIdentity,
      request.maxResultBytesTotal,
    ]);
    const [verdict, current, retryAt] = Array.isArray(reply) ? (reply as unknown[]) : [];
    if (verdict === 'admitted') return { type: 'admitted' };
    if (!isLimit(verdict)) throw new Error(`unexpected quota admission reply: ${JSON.stringify(reply)}`);
    const max =
      verdict === 'commands-in-flight-per-identity'
        ? request.maxInFlight
        : verdict === 'result-bytes-per-identity'
          ? request.maxResultBytesPerIdentity
          : request.maxResultBytesTotal;
    return { type: 'refused', limit: verdict, max, current: Number(current), retryAt: Number(retryAt) };
  }

  async release(identity: string, commandId: string): Promise<void> {
    await this.#client.zrem(this.#keys.quotaSlots(identity), commandId);
  }

  async retain(identity: string, commandId: string, bytes: number, expiresAt: number): Promise<void> {
    if (bytes <= 0) return;
    await retainScript.run(this.#client, this.#keysOf(identity), [
      this.#clock.now(),
      commandId,
      bytes,
      expiresAt,
    ]);
  }

  async usage(identity: string): Promise<QuotaUsage> {
    const reply = await usageScript.run(this.#client, this.#keysOf(identity), [this.#clock.now()]);
    const [inFlight, resultBytes, resultBytesTotal] = Array.isArray(reply) ? (reply as unknown[]) : [];
    return {
      inFlight: Number(inFlight ?? 0),
      resultBytes: Number(resultBytes ?? 0),
      resultBytesTotal: Number(resultBytesTotal ?? 0),
    };
  }

  #keysOf(identity: string): string[] {
    const keys = this.#keys;
    return [
      keys.quotaSlots(identity),
      keys.quotaResults(identity),
      keys.quotaResultBytes(identity),
      keys.quotaAllResults,
      keys.quotaAllResultBytes,
    ];
  }
}
