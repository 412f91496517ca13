import type { Command, CommandResult } from '@kubently/protocol';

import type { Clock } from '../../support/clock.js';
import { statusOfResult } from '../command-store.js';
import type {
  AckOutcome,
  CommandOrigin,
  CommandRecord,
  CommandStore,
  RecordStatus,
  ServerFailure,
} from '../command-store.js';
import type { RedisEvents } from './redis-events.js';
import type { RedisKeys } from './redis-keys.js';
import { RedisScript } from './redis-script.js';
import type { RedisClient } from './redis-script.js';

/**
 * A record is one hash. `expiresAt` is the logical expiry on the injected clock (what get/sweep
 * obey); the key's own PEXPIRE is the same span, so Redis frees it even if no replica sweeps.
 */
const markDeliveredScript = new RedisScript(`
local s = redis.call('HMGET', KEYS[1], 'status', 'expiresAt')
if s[1] == 'queued' and tonumber(s[2]) > tonumber(ARGV[1]) then
  redis.call('HSET', KEYS[1], 'status', 'running', 'deliveredTo', ARGV[2])
end
return 0`);

const failScript = new RedisScript(`
local s = redis.call('HMGET', KEYS[1], 'status', 'expiresAt')
if not s[1] or tonumber(s[2]) <= tonumber(ARGV[1]) then return false end
if s[1] ~= 'queued' and s[1] ~= 'running' then return false end
redis.call('HSET', KEYS[1], 'status', 'failed', 'failure', ARGV[2], 'finishedAt', ARGV[3], 'expiresAt', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return redis.call('HGETALL', KEYS[1])`);

/** First result wins; a result for a command the server already ended only marks it acked. */
const acknowledgeScript = new RedisScript(`
local s = redis.call('HMGET', KEYS[1], 'status', 'expiresAt', 'acked')
if not s[1] or tonumber(s[2]) <= tonumber(ARGV[1]) then return false end
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
  readonly #listeners = new Set<(record: CommandRecord) => void>();
  readonly #unlisten: () => void;

  constructor(options: {
    client: RedisClient;
    keys: RedisKeys;
    events: RedisEvents;
    clock: Clock;
    resultTtlMs: number;
  }) {
    this.#client = options.client;
    this.#keys = options.keys;
    this.#events = options.events;
    this.#clock = options.clock;
    this.#resultTtlMs = options.resultTtlMs;
    this.#unlisten = this.#events.listen((event) => {
      if (event.type === 'finished') this.#emit(JSON.parse(event.record) as CommandRecord);
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
      .exec();
    await this.#client.zadd(this.#keys.commandExpiry, now + lifetimeMs, command.id);
    return record;
  }

  async get(id: string): Promise<CommandRecord | null> {
    const fields = await this.#client.hgetall(this.#keys.command(id));
    return this.#live(fields);
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
    const record = recordOf(fieldsOf(reply));
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
    if (!Array.isArray(reply)) return null;
    const [kind, raw] = reply as [unknown, unknown];
    const record = Array.isArray(raw) ? recordOf(fieldsOf(raw)) : null;
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
      const fields = await this.#client.hgetall(this.#keys.command(id));
      if (Number(fields['expiresAt'] ?? 0) <= now) {
        await this.#client.del(this.#keys.command(id));
        removed += 1;
      } else {
        await this.#client.zadd(this.#keys.commandExpiry, Number(fields['expiresAt']), id);
      }
    }
    return removed;
  }

  close(): void {
    this.#unlisten();
    this.#listeners.clear();
  }

  async #finished(record: CommandRecord, expiresAt: number): Promise<void> {
    this.#emit(record);
    await Promise.all([
      this.#client.zadd(this.#keys.commandExpiry, expiresAt, record.command.id),
      this.#events.publish({
        type: 'finished',
        from: this.#events.replicaId,
        record: JSON.stringify(record),
      }),
    ]);
  }

  #live(fields: Record<string, string>): CommandRecord | null {
    if (Number(fields['expiresAt'] ?? 0) <= this.#clock.now()) return null;
    return recordOf(fields);
  }

  #emit(record: CommandRecord): void {
    for (const listener of this.#listeners) listener(record);
  }
}

const fieldsOf = (flat: readonly unknown[]): Record<string, string> => {
  const fields: Record<string, string> = {};
  for (let index = 0; index + 1 < flat.length; index += 2) {
    const name = flat[index];
    const value = flat[index + 1];
    if (typeof name === 'string' && typeof value === 'string') fields[name] = value;
  }
  return fields;
};

/** The hash holds only what this backend wrote: JSON of protocol types it serialized itself. */
const recordOf = (fields: Record<string, string>): CommandRecord | null => {
  const command = fields['command'];
  const origin = fields['origin'];
  if (command === undefined || origin === undefined) return null;
  return {
    command: JSON.parse(command) as Command,
    origin: JSON.parse(origin) as CommandOrigin,
    status: (fields['status'] ?? 'queued') as RecordStatus,
    createdAt: Number(fields['createdAt']),
    deliveredTo: fields['deliveredTo'] ?? null,
    result: fields['result'] === undefined ? null : (JSON.parse(fields['result']) as CommandResult),
    failure:
      fields['failure'] === undefined ? null : (JSON.parse(fields['failure']) as CommandRecord['failure']),
    finishedAt: fields['finishedAt'] === undefined ? null : Number(fields['finishedAt']),
    acked: fields['acked'] === '1',
  };
};
