import { clusterIdSchema, commandSchema } from '@kubently/protocol';
import type { Command } from '@kubently/protocol';
import { z } from 'zod';

import type { CommandQueue } from '../command-queue.js';
import type { BadDataReporter, ReadSite } from './bad-data-reporter.js';
import type { RedisEvents } from './redis-events.js';
import { queueGroup } from './redis-keys.js';
import type { RedisKeys } from './redis-keys.js';
import { RedisScript } from './redis-script.js';
import type { RedisClient } from './redis-script.js';

/**
 * Entries carry `i` (command id) and `c` (command JSON); an acked or cancelled entry is deleted.
 * The scripts tolerate entries and index values they did not write (a missing field, an index
 * value that is no stream id): such data is skipped or reported, never a script error that would
 * fail every later call on the cluster. Enqueue (re)creates the consumer group if it is missing.
 */
const enqueueScript = new RedisScript(`
redis.pcall('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')
local id = redis.call('XADD', KEYS[1], '*', 'i', ARGV[2], 'c', ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], id)
return id`);

const pendingScript = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
local out = {}
for _, e in ipairs(redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 100000, ARGV[2])) do
  local r = redis.call('XRANGE', KEYS[1], e[1], e[1])
  if r[1] then table.insert(out, r[1]) end
end
return out`);

/** -1: the index held something that is not a stream entry id (dropped, reported by the caller). */
const ackScript = new RedisScript(`
local id = redis.call('HGET', KEYS[2], ARGV[2])
if not id then return 0 end
redis.call('HDEL', KEYS[2], ARGV[2])
if not string.match(id, '^%d+%-%d+$') then return -1 end
redis.call('XACK', KEYS[1], ARGV[1], id)
redis.call('XDEL', KEYS[1], id)
return 1`);

/** Undelivered = still indexed and not in the group's pending entries list. -1 as in ack. */
const cancelScript = new RedisScript(`
local id = redis.call('HGET', KEYS[2], ARGV[2])
if not id then return 0 end
if not string.match(id, '^%d+%-%d+$') then
  redis.call('HDEL', KEYS[2], ARGV[2])
  return -1
end
if #redis.call('XPENDING', KEYS[1], ARGV[1], id, id, 1) > 0 then return 0 end
redis.call('XDEL', KEYS[1], id)
redis.call('HDEL', KEYS[2], ARGV[2])
return 1`);

const releaseScript = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
local out = {}
for _, e in ipairs(redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 100000, ARGV[2])) do
  local r = redis.call('XRANGE', KEYS[1], e[1], e[1])
  redis.call('XACK', KEYS[1], ARGV[1], e[1])
  redis.call('XDEL', KEYS[1], e[1])
  if r[1] then
    local commandId = r[1][2][2]
    if commandId then redis.call('HDEL', KEYS[2], commandId) end
    table.insert(out, r[1])
  end
end
redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
return out`);

const purgeScript = new RedisScript(`
local out = {}
if redis.call('EXISTS', KEYS[1]) == 1 then
  for _, e in ipairs(redis.call('XRANGE', KEYS[1], '-', '+')) do table.insert(out, e) end
end
redis.call('DEL', KEYS[1], KEYS[2])
return out`);

/** Removes one entry the server cannot use (claimed by mistake): acked, deleted, unindexed. */
const dropScript = new RedisScript(`
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
if ARGV[3] ~= '' and redis.call('HGET', KEYS[2], ARGV[3]) == ARGV[2] then redis.call('HDEL', KEYS[2], ARGV[3]) end
return 1`);

/** A stream written by someone else may lack the group (enqueue recreates it): nothing is pending then. */
const depthScript = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return {0, 0} end
local summary = redis.pcall('XPENDING', KEYS[1], ARGV[1])
if summary.err then return {redis.call('XLEN', KEYS[1]), 0} end
local pending = summary[1]
return {redis.call('XLEN', KEYS[1]) - pending, pending}`);

/** The first entry after the group's last delivered one: the oldest undelivered command. */
const oldestQueuedScript = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
local last = '0-0'
local groups = redis.pcall('XINFO', 'GROUPS', KEYS[1])
if not groups.err then
  for _, g in ipairs(groups) do
    local name, id
    for i = 1, #g, 2 do
      if g[i] == 'name' then name = g[i + 1] end
      if g[i] == 'last-delivered-id' then id = g[i + 1] end
    end
    if name == ARGV[1] and id then last = id end
  end
end
return redis.call('XRANGE', KEYS[1], '(' .. last, '+', 'COUNT', 1)`);

/** Executors (consumers) of a cluster with unacked deliveries, and how many each holds. */
const consumersScript = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
local summary = redis.pcall('XPENDING', KEYS[1], ARGV[1])
if summary.err then return {} end
return summary[4] or {}`);

/**
 * One Redis Stream per cluster with one consumer group; each executor id is a consumer. A claim is
 * a non-blocking XREADGROUP, so each entry is delivered to exactly one executor across all
 * replicas; the replica holding the executor's link is woken by the enqueue signal (pub/sub).
 */
export class RedisCommandQueue implements CommandQueue {
  readonly #client: RedisClient;
  readonly #keys: RedisKeys;
  readonly #events: RedisEvents;
  readonly #reporter: BadDataReporter;
  readonly #listeners = new Set<(clusterId: string) => void>();
  readonly #unlisten: () => void;

  constructor(options: {
    client: RedisClient;
    keys: RedisKeys;
    events: RedisEvents;
    reporter: BadDataReporter;
  }) {
    this.#client = options.client;
    this.#keys = options.keys;
    this.#events = options.events;
    this.#reporter = options.reporter;
    this.#unlisten = this.#events.listen((event) => {
      if (event.type === 'enqueued') this.#emit(event.clusterId);
    });
  }

  /**
   * The reaper's index is written first, so that a failure there leaves nothing queued. Once the
   * script has run the command is queued: the wake-up of other replicas is fire-and-forget (a lost
   * one delays delivery to the next wake-up or the caller's deadline, like a lost pub/sub message),
   * so its failure is reported and does not fail the enqueue.
   */
  async enqueue(command: Command): Promise<void> {
    const { clusterId } = command;
    await this.#client.sadd(this.#keys.queues, clusterId);
    await enqueueScript.run(this.#client, this.#streamKeys(clusterId), [
      queueGroup,
      command.id,
      JSON.stringify(command),
    ]);
    this.#emit(clusterId);
    this.#events
      .publish({ type: 'enqueued', from: this.#events.replicaId, clusterId })
      .catch((error: unknown) => {
        this.#reporter.report(
          'redis_error',
          { entity: 'events', key: this.#keys.events },
          `publishing a wake-up failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
  }

  /**
   * An entry that is not a command of this cluster is never handed out: it is reported and
   * removed from the stream (its caller, if any, gets its deadline's definite error).
   */
  async claim(clusterId: string, executorId: string, max: number): Promise<Command[]> {
    // Dropped entries do not count: read on until a command comes or the stream has nothing new.
    for (;;) {
      const entries = await this.#readNew(clusterId, executorId, max);
      if (entries.length === 0) return [];
      const commands: Command[] = [];
      for (const entry of entries) {
        const command = this.#commandOf(clusterId, entry);
        if (command !== null) {
          commands.push(command);
          continue;
        }
        const [entryId, fields] = entry;
        const commandId = fields[0] === 'i' ? (fields[1] ?? '') : '';
        await dropScript.run(this.#client, this.#streamKeys(clusterId), [queueGroup, entryId, commandId]);
      }
      if (commands.length > 0) return commands;
    }
  }

  async #readNew(clusterId: string, executorId: string, max: number): Promise<StreamEntry[]> {
    let reply: unknown;
    try {
      reply = await this.#client.xreadgroup(
        'GROUP',
        queueGroup,
        executorId,
        'COUNT',
        max,
        'STREAMS',
        this.#keys.queue(clusterId),
        '>',
      );
    } catch (error) {
      // No stream yet (nothing ever queued, or purged): nothing to claim.
      if (error instanceof Error && error.message.startsWith('NOGROUP')) return [];
      throw error;
    }
    const streams = this.#reporter.parse(readReplySchema, reply, this.#site(clusterId)) ?? [];
    return streams.flatMap(([, streamEntries]) => streamEntries);
  }

  async pending(clusterId: string, executorId: string): Promise<Command[]> {
    return this.#commandsOf(
      clusterId,
      await pendingScript.run(this.#client, this.#streamKeys(clusterId), [queueGroup, executorId]),
    );
  }

  async ack(clusterId: string, commandId: string): Promise<boolean> {
    return this.#removed(
      clusterId,
      await ackScript.run(this.#client, this.#streamKeys(clusterId), [queueGroup, commandId]),
    );
  }

  async cancel(clusterId: string, commandId: string): Promise<boolean> {
    return this.#removed(
      clusterId,
      await cancelScript.run(this.#client, this.#streamKeys(clusterId), [queueGroup, commandId]),
    );
  }

  async release(clusterId: string, executorId: string): Promise<Command[]> {
    return this.#commandsOf(
      clusterId,
      await releaseScript.run(this.#client, this.#streamKeys(clusterId), [queueGroup, executorId]),
    );
  }

  async purge(clusterId: string): Promise<Command[]> {
    return this.#commandsOf(clusterId, await purgeScript.run(this.#client, this.#streamKeys(clusterId), []));
  }

  async depth(clusterId: string): Promise<{ queued: number; pending: number }> {
    const reply = await depthScript.run(this.#client, this.#streamKeys(clusterId), [queueGroup]);
    const [queued, pending] = this.#reporter.parse(depthReplySchema, reply, this.#site(clusterId)) ?? [0, 0];
    return { queued, pending };
  }

  async oldestQueuedAt(clusterId: string): Promise<number | null> {
    const reply = await oldestQueuedScript.run(this.#client, this.#streamKeys(clusterId), [queueGroup]);
    const oldest = this.#commandsOf(clusterId, reply)[0];
    return oldest === undefined ? null : Date.parse(oldest.issuedAt);
  }

  /** Executor ids holding unacked deliveries of the cluster (for the orphan reaper). */
  async consumers(clusterId: string): Promise<string[]> {
    const reply = await consumersScript.run(this.#client, this.#streamKeys(clusterId), [queueGroup]);
    const summary = this.#reporter.parse(consumersReplySchema, reply, this.#site(clusterId)) ?? [];
    return summary.map(([executorId]) => executorId);
  }

  /** Clusters that have (or had) a command stream; a member that is no cluster id is skipped. */
  async clusterIds(): Promise<string[]> {
    const members = await this.#client.smembers(this.#keys.queues);
    return members.filter(
      (member) =>
        this.#reporter.parse(clusterIdSchema, member, { entity: 'queue', key: this.#keys.queues }) !== null,
    );
  }

  onEnqueued(listener: (clusterId: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    this.#unlisten();
    this.#listeners.clear();
  }

  #emit(clusterId: string): void {
    const site = this.#site(clusterId);
    for (const listener of this.#listeners) this.#reporter.guard(site, listener)(clusterId);
  }

  #streamKeys(clusterId: string): string[] {
    return [this.#keys.queue(clusterId), this.#keys.queueIndex(clusterId)];
  }

  #site(clusterId: string): ReadSite {
    return { entity: 'queue', key: this.#keys.queue(clusterId) };
  }

  /** A script reply listing stream entries; the ones that are no command of this cluster are skipped. */
  #commandsOf(clusterId: string, reply: unknown): Command[] {
    const entries = this.#reporter.parse(entriesSchema, reply, this.#site(clusterId)) ?? [];
    return entries.flatMap((entry) => {
      const command = this.#commandOf(clusterId, entry);
      return command === null ? [] : [command];
    });
  }

  /** One entry `[id, ['i', commandId, 'c', json]]` → its command, or null (reported). */
  #commandOf(clusterId: string, [entryId, fields]: StreamEntry): Command | null {
    const site = { ...this.#site(clusterId), field: entryId };
    const [iName, commandId, cName, json] = fields;
    if (iName !== 'i' || cName !== 'c' || commandId === undefined || json === undefined) {
      this.#reporter.report('bad_record', site, 'the entry is not {i: <command id>, c: <command JSON>}');
      return null;
    }
    const command = this.#reporter.parseJson(commandSchema, json, site);
    if (command === null) return null;
    if (command.id !== commandId || command.clusterId !== clusterId) {
      this.#reporter.report('bad_record', site, 'the entry holds a command of another id or cluster');
      return null;
    }
    return command;
  }

  #removed(clusterId: string, reply: unknown): boolean {
    if (reply === -1) {
      const site = { entity: 'queue', key: this.#keys.queueIndex(clusterId) };
      this.#reporter.report('bad_record', site, 'an index value is not a stream entry id');
    }
    return reply === 1;
  }
}

type StreamEntry = readonly [string, readonly string[]];

const entrySchema = z.tuple([z.string(), z.array(z.string())]);
const entriesSchema = z.array(entrySchema);

/** XREADGROUP: null (nothing new) or [[stream, entries]]. */
const readReplySchema = z.array(z.tuple([z.string(), entriesSchema])).nullable();

const depthReplySchema = z.tuple([z.number().int(), z.number().int()]);

/** XPENDING summary's consumer list: [[executorId, count], ...]. */
const consumersReplySchema = z.array(z.tuple([z.string(), z.string()]));
