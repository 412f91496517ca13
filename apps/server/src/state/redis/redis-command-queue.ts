import type { Command } from '@kubently/protocol';

import type { CommandQueue } from '../command-queue.js';
import type { RedisEvents } from './redis-events.js';
import { queueGroup } from './redis-keys.js';
import type { RedisKeys } from './redis-keys.js';
import { RedisScript } from './redis-script.js';
import type { RedisClient } from './redis-script.js';

/** Entries carry `i` (command id) and `c` (command JSON); an acked or cancelled entry is deleted. */
const enqueueScript = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM') end
local id = redis.call('XADD', KEYS[1], '*', 'i', ARGV[2], 'c', ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], id)
return id`);

const pendingScript = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
local out = {}
for _, e in ipairs(redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 100000, ARGV[2])) do
  local r = redis.call('XRANGE', KEYS[1], e[1], e[1])
  if r[1] then table.insert(out, r[1][2][4]) end
end
return out`);

const ackScript = new RedisScript(`
local id = redis.call('HGET', KEYS[2], ARGV[2])
if not id then return 0 end
redis.call('XACK', KEYS[1], ARGV[1], id)
redis.call('XDEL', KEYS[1], id)
redis.call('HDEL', KEYS[2], ARGV[2])
return 1`);

/** Undelivered = still indexed and not in the group's pending entries list. */
const cancelScript = new RedisScript(`
local id = redis.call('HGET', KEYS[2], ARGV[2])
if not id then return 0 end
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
    redis.call('HDEL', KEYS[2], r[1][2][2])
    table.insert(out, r[1][2][4])
  end
end
redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
return out`);

const purgeScript = new RedisScript(`
local out = {}
if redis.call('EXISTS', KEYS[1]) == 1 then
  for _, e in ipairs(redis.call('XRANGE', KEYS[1], '-', '+')) do table.insert(out, e[2][4]) end
end
redis.call('DEL', KEYS[1], KEYS[2])
return out`);

const depthScript = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return {0, 0} end
local pending = redis.call('XPENDING', KEYS[1], ARGV[1])[1]
return {redis.call('XLEN', KEYS[1]) - pending, pending}`);

/** Executors (consumers) of a cluster with unacked deliveries, and how many each holds. */
const consumersScript = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
local summary = redis.call('XPENDING', KEYS[1], ARGV[1])
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
  readonly #listeners = new Set<(clusterId: string) => void>();
  readonly #unlisten: () => void;

  constructor(options: { client: RedisClient; keys: RedisKeys; events: RedisEvents }) {
    this.#client = options.client;
    this.#keys = options.keys;
    this.#events = options.events;
    this.#unlisten = this.#events.listen((event) => {
      if (event.type === 'enqueued') this.#emit(event.clusterId);
    });
  }

  async enqueue(command: Command): Promise<void> {
    const { clusterId } = command;
    await enqueueScript.run(this.#client, this.#streamKeys(clusterId), [
      queueGroup,
      command.id,
      JSON.stringify(command),
    ]);
    this.#emit(clusterId);
    await Promise.all([
      this.#client.sadd(this.#keys.queues, clusterId),
      this.#events.publish({ type: 'enqueued', from: this.#events.replicaId, clusterId }),
    ]);
  }

  async claim(clusterId: string, executorId: string, max: number): Promise<Command[]> {
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
    return commandsOfRead(reply);
  }

  async pending(clusterId: string, executorId: string): Promise<Command[]> {
    return parseCommands(
      await pendingScript.run(this.#client, this.#streamKeys(clusterId), [queueGroup, executorId]),
    );
  }

  async ack(clusterId: string, commandId: string): Promise<boolean> {
    return (await ackScript.run(this.#client, this.#streamKeys(clusterId), [queueGroup, commandId])) === 1;
  }

  async cancel(clusterId: string, commandId: string): Promise<boolean> {
    return (await cancelScript.run(this.#client, this.#streamKeys(clusterId), [queueGroup, commandId])) === 1;
  }

  async release(clusterId: string, executorId: string): Promise<Command[]> {
    return parseCommands(
      await releaseScript.run(this.#client, this.#streamKeys(clusterId), [queueGroup, executorId]),
    );
  }

  async purge(clusterId: string): Promise<Command[]> {
    return parseCommands(await purgeScript.run(this.#client, this.#streamKeys(clusterId), []));
  }

  async depth(clusterId: string): Promise<{ queued: number; pending: number }> {
    const reply = await depthScript.run(this.#client, this.#streamKeys(clusterId), [queueGroup]);
    const [queued, pending] = Array.isArray(reply) ? (reply as unknown[]) : [];
    return { queued: Number(queued ?? 0), pending: Number(pending ?? 0) };
  }

  /** Executor ids holding unacked deliveries of the cluster (for the orphan reaper). */
  async consumers(clusterId: string): Promise<string[]> {
    const reply = await consumersScript.run(this.#client, this.#streamKeys(clusterId), [queueGroup]);
    if (!Array.isArray(reply)) return [];
    return reply.flatMap((entry: unknown) =>
      Array.isArray(entry) && typeof entry[0] === 'string' ? [entry[0]] : [],
    );
  }

  /** Clusters that have (or had) a command stream. */
  clusterIds(): Promise<string[]> {
    return this.#client.smembers(this.#keys.queues);
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
    for (const listener of this.#listeners) listener(clusterId);
  }

  #streamKeys(clusterId: string): string[] {
    return [this.#keys.queue(clusterId), this.#keys.queueIndex(clusterId)];
  }
}

/** Redis holds only what this backend wrote, so the JSON is our own serialization of a Command. */
const parseCommands = (reply: unknown): Command[] =>
  Array.isArray(reply)
    ? reply.flatMap((json: unknown) => (typeof json === 'string' ? [JSON.parse(json) as Command] : []))
    : [];

/** XREADGROUP reply: [[stream, [[entryId, ['i', id, 'c', json]], ...]]] or null. */
const commandsOfRead = (reply: unknown): Command[] => {
  if (!Array.isArray(reply)) return [];
  const commands: Command[] = [];
  for (const stream of reply as unknown[]) {
    if (!Array.isArray(stream) || !Array.isArray(stream[1])) continue;
    for (const entry of stream[1] as unknown[]) {
      if (!Array.isArray(entry) || !Array.isArray(entry[1])) continue;
      const json = (entry[1] as unknown[])[3];
      if (typeof json === 'string') commands.push(JSON.parse(json) as Command);
    }
  }
  return commands;
};
