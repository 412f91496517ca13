import type { Command, CommandResult } from '@kubently/protocol';
import { z } from 'zod';

import type { Clock } from '../../support/clock.js';
import { statusOfResult } from '../command-store.js';
import type {
  AckOutcome,
  CommandOrigin,
  CommandRecord,
  CommandStore,
  ServerFailure,
} from '../command-store.js';
import type { BadDataReporter } from './bad-data-reporter.js';
import type { RedisEvents } from './redis-events.js';
import type { RedisKeys } from './redis-keys.js';
import { commandHashSchema } from './redis-record-schemas.js';
import { execReplies, RedisScript } from './redis-script.js';
import type { RedisClient } from './redis-script.js';

/**
 * A record is one hash. `expiresAt` is the logical expiry on the injected clock (what get/sweep
 * obey); the key's own PEXPIRE is the same span, so Redis frees it even if no replica sweeps.
 */
const markDeliveredScript = new RedisScript(`
local s = redis.call('HMGET', KEYS[1], 'status', 'expiresAt')
local expiresAt = tonumber(s[2])
if s[1] == 'queued' and expiresAt and expiresAt > tonumber(ARGV[1]) then
  redis.call('HSET', KEYS[1], 'status', 'running', 'deliveredTo', ARGV[2])
end
return 0`);

const failScript = new RedisScript(`
local s = redis.call('HMGET', KEYS[1], 'status', 'expiresAt')
local expiresAt = tonumber(s[2])
if not s[1] or not expiresAt or expiresAt <= tonumber(ARGV[1]) then return false end
if s[1] ~= 'queued' and s[1] ~= 'running' then return false end
redis.call('HSET', KEYS[1], 'status', 'failed', 'failure', ARGV[2], 'finishedAt', ARGV[3], 'expiresAt', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return redis.call('HGETALL', KEYS[1])`);

/** First result wins; a result for a command the server already ended only marks it acked. */
const acknowledgeScript = new RedisScript(`
local s = redis.call('HMGET', KEYS[1], 'status', 'expiresAt', 'acked')
local expiresAt = tonumber(s[2])
if not s[1] or not expiresAt or expiresAt <= tonumber(ARGV[1]) then return false end
if s[3] == '1' then return {'duplicate', redis.call('HGETALL', KEYS[1])} end
if s[1] ~= 'queued' and s[1] ~= 'running' then
  redis.call('HSET', KEYS[1], 'acked', '1')
  return {'late', redis.call('HGETALL', KEYS[1])}
end
redis.call('HSET', KEYS[1], 'status', ARGV[3], 'result', ARGV[2], 'finishedAt', ARGV[4], 'acked', '1', 'expiresAt', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
return {'finished', redis.call('HGETALL', KEYS[1])}`);

export class RedisCommandStore implements CommandStore {
  readonly #client: RedisClient;
  readonly #keys: RedisKeys;
  readonly #events: RedisEvents;
  readonly #clock: Clock;
  readonly #resultTtlMs: number;
  readonly #reporter: BadDataReporter;
  readonly #listeners = new Set<(record: CommandRecord) => void>();
  readonly #unlisten: () => void;

  constructor(options: {
    client: RedisClient;
    keys: RedisKeys;
    events: RedisEvents;
    clock: Clock;
    resultTtlMs: number;
    reporter: BadDataReporter;
  }) {
    this.#client = options.client;
    this.#keys = options.keys;
    this.#events = options.events;
    this.#clock = options.clock;
    this.#resultTtlMs = options.resultTtlMs;
    this.#reporter = options.reporter;
    this.#unlisten = this.#events.listen((event) => {
      if (event.type === 'finished') this.#emit(event.record);
    });
  }

  async create(command: Command, origin: CommandOrigin): Promise<CommandRecord> {
    const now = this.#clock.now();
    const lifetimeMs = command.timeoutSeconds * 1000 + this.#resultTtlMs;
    const record: CommandRecord = {
      command,
      origin,
      status: 'queued',
      createdAt: now,
      deliveredTo: null,
      result: null,
      failure: null,
      finishedAt: null,
      acked: false,
    };
    const key = this.#keys.command(command.id);
    execReplies(
      await this.#client
        .multi()
        .hset(key, {
          command: JSON.stringify(command),
          origin: JSON.stringify(origin),
          status: 'queued',
          createdAt: now,
          acked: '0',
          expiresAt: now + lifetimeMs,
        })
        .pexpire(key, lifetimeMs)
        .exec(),
    );
    await this.#client.zadd(this.#keys.commandExpiry, now + lifetimeMs, command.id);
    return record;
  }

  async get(id: string): Promise<CommandRecord | null> {
    const key = this.#keys.command(id);
    const fields = await this.#reporter.absentOnWrongType(this.#client.hgetall(key), {
      entity: 'command',
      key,
    });
    return fields === null ? null : this.#live(id, fields);
  }

  async markDelivered(id: string, executorId: string): Promise<void> {
    await markDeliveredScript.run(this.#client, [this.#keys.command(id)], [this.#clock.now(), executorId]);
  }

  async fail(id: string, { failure, at }: ServerFailure): Promise<CommandRecord | null> {
    const expiresAt = at + this.#resultTtlMs;
    const reply = await failScript.run(
      this.#client,
      [this.#keys.command(id)],
      [this.#clock.now(), JSON.stringify(failure), at, expiresAt, this.#resultTtlMs],
    );
    if (!Array.isArray(reply)) return null;
    const record = this.#recordOf(id, fieldsOf(reply))?.record ?? null;
    if (record === null) return null;
    await this.#finished(record, expiresAt);
    return record;
  }

  async acknowledge(id: string, result: CommandResult, at: number): Promise<AckOutcome | null> {
    const expiresAt = at + this.#resultTtlMs;
    const reply = await acknowledgeScript.run(
      this.#client,
      [this.#keys.command(id)],
      [this.#clock.now(), JSON.stringify(result), statusOfResult(result), at, expiresAt, this.#resultTtlMs],
    );
    // false: unknown or expired; otherwise the transition and the record's fields.
    const parsed = acknowledgeReplySchema.safeParse(reply);
    if (!parsed.success) return null;
    const [kind, raw] = parsed.data;
    const record = this.#recordOf(id, fieldsOf(raw))?.record ?? null;
    if (record === null) return null;
    if (kind === 'finished') {
      await this.#finished(record, expiresAt);
      return { record, duplicate: false, finished: true };
    }
    return { record, duplicate: kind === 'duplicate', finished: false };
  }

  onFinished(listener: (record: CommandRecord) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async sweep(): Promise<number> {
    const now = this.#clock.now();
    const ids = await this.#client.zrangebyscore(this.#keys.commandExpiry, '-inf', now, 'LIMIT', 0, 1000);
    let removed = 0;
    for (const id of ids) {
      // ZREM decides which replica sweeps an id; the record may have been extended meanwhile.
      if ((await this.#client.zrem(this.#keys.commandExpiry, id)) === 0) continue;
      const expiresAt = Number(await this.#client.hget(this.#keys.command(id), 'expiresAt'));
      // A record without a readable expiry is due as well: nothing else would ever remove it.
      if (!Number.isFinite(expiresAt) || expiresAt <= now) {
        removed += await this.#client.del(this.#keys.command(id));
      } else {
        await this.#client.zadd(this.#keys.commandExpiry, expiresAt, id);
      }
    }
    return removed;
  }

  close(): void {
    this.#unlisten();
    this.#listeners.clear();
  }

  /**
   * The transition is written: what follows is bookkeeping (the sweep index; the record's own
   * PEXPIRE frees it anyway) and the wake-up of other replicas (their deadline covers a lost one),
   * so a failure here is reported, not turned into a failure of the transition.
   */
  async #finished(record: CommandRecord, expiresAt: number): Promise<void> {
    this.#emit(record);
    const outcomes = await Promise.allSettled([
      this.#client.zadd(this.#keys.commandExpiry, expiresAt, record.command.id),
      this.#events.publish({ type: 'finished', from: this.#events.replicaId, record }),
    ]);
    for (const outcome of outcomes) {
      if (outcome.status === 'fulfilled') continue;
      const reason: unknown = outcome.reason;
      this.#reporter.report(
        'redis_error',
        { entity: 'command', key: this.#keys.command(record.command.id) },
        `recording the finished command failed after the transition: ${reason instanceof Error ? reason.message : String(reason)}`,
        reason,
      );
    }
  }

  #live(id: string, fields: Record<string, string>): CommandRecord | null {
    // A key that does not exist (never written, or expired) is absent without being a bad record.
    if (Object.keys(fields).length === 0) return null;
    const parsed = this.#recordOf(id, fields);
    return parsed === null || parsed.expiresAt <= this.#clock.now() ? null : parsed.record;
  }

  #recordOf(id: string, fields: Record<string, string>): { record: CommandRecord; expiresAt: number } | null {
    const parsed = this.#reporter.parse(commandHashSchema, fields, {
      entity: 'command',
      key: this.#keys.command(id),
    });
    // A record stored under another command's key is not this command's record.
    if (parsed !== null && parsed.record.command.id !== id) {
      this.#reporter.report(
        'bad_record',
        { entity: 'command', key: this.#keys.command(id) },
        'holds another command',
      );
      return null;
    }
    return parsed;
  }

  #emit(record: CommandRecord): void {
    const site = { entity: 'command', key: this.#keys.command(record.command.id) };
    for (const listener of this.#listeners) this.#reporter.guard(site, listener)(record);
  }
}

const acknowledgeReplySchema = z.tuple([z.enum(['finished', 'late', 'duplicate']), z.array(z.unknown())]);

const fieldsOf = (flat: readonly unknown[]): Record<string, string> => {
  const fields: Record<string, string> = {};
  for (let index = 0; index + 1 < flat.length; index += 2) {
    const name = flat[index];
    const value = flat[index + 1];
    if (typeof name === 'string' && typeof value === 'string') fields[name] = value;
  }
  return fields;
};
