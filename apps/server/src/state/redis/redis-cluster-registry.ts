import { executorCapabilitiesSchema } from '@kubently/protocol';
import type { ExecutorCapabilities } from '@kubently/protocol';

import type { ClusterRecord, ClusterRegistry, ExecutorPresence, StoredToken } from '../cluster-registry.js';
import type { RedisKeys } from './redis-keys.js';
import type { RedisClient } from './redis-script.js';

/** Presence records kept per cluster before the oldest disconnected ones are dropped. */
const maxPresenceRecords = 32;

interface StoredPresence {
  readonly connected: boolean;
  readonly lastSeenAt: number;
}

/**
 * A hash per cluster, a set of cluster ids, one key per token hash, and per cluster a presence
 * hash and a capabilities hash (apart, so a keepalive's presence write never drops a report).
 * `connected` is true only while the executor's `alive` key lives: the replica holding its
 * link refreshes it on every keepalive, so a replica that dies stops vouching within `presenceTtlMs`.
 */
export class RedisClusterRegistry implements ClusterRegistry {
  readonly #client: RedisClient;
  readonly #keys: RedisKeys;
  readonly #presenceTtlMs: number;

  constructor(options: { client: RedisClient; keys: RedisKeys; presenceTtlMs: number }) {
    this.#client = options.client;
    this.#keys = options.keys;
    this.#presenceTtlMs = options.presenceTtlMs;
  }

  async create(record: ClusterRecord): Promise<boolean> {
    const created = await this.#client.hsetnx(this.#keys.cluster(record.id), 'createdAt', record.createdAt);
    if (created === 0) return false;
    await this.#client.hset(this.#keys.cluster(record.id), 'tokens', JSON.stringify(record.tokens));
    await Promise.all([
      this.#client.sadd(this.#keys.clusters, record.id),
      ...record.tokens.map((token) => this.#client.set(this.#keys.token(token.hash), record.id)),
    ]);
    return true;
  }

  async get(id: string): Promise<ClusterRecord | null> {
    const fields = await this.#client.hgetall(this.#keys.cluster(id));
    if (fields['createdAt'] === undefined) return null;
    return {
      id,
      createdAt: Number(fields['createdAt']),
      // Written by this backend from StoredToken values.
      tokens: JSON.parse(fields['tokens'] ?? '[]') as StoredToken[],
    };
  }

  async list(): Promise<ClusterRecord[]> {
    const ids = await this.#client.smembers(this.#keys.clusters);
    const records = await Promise.all(ids.map((id) => this.get(id)));
    return records
      .filter((record): record is ClusterRecord => record !== null)
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  async delete(id: string): Promise<boolean> {
    const record = await this.get(id);
    if (record === null) return false;
    const executors = await this.#client.hkeys(this.#keys.presence(id));
    await Promise.all([
      this.#client.del(this.#keys.cluster(id), this.#keys.presence(id), this.#keys.capabilities(id)),
      ...executors.map((executorId) => this.#client.del(this.#keys.alive(id, executorId))),
      ...record.tokens.map((token) => this.#client.del(this.#keys.token(token.hash))),
      this.#client.srem(this.#keys.clusters, id),
    ]);
    return true;
  }

  async replaceTokens(id: string, tokens: readonly StoredToken[]): Promise<ClusterRecord | null> {
    const record = await this.get(id);
    if (record === null) return null;
    await this.#client.hset(this.#keys.cluster(id), 'tokens', JSON.stringify(tokens));
    const kept = new Set(tokens.map((token) => token.hash));
    await Promise.all([
      ...record.tokens
        .filter((token) => !kept.has(token.hash))
        .map((token) => this.#client.del(this.#keys.token(token.hash))),
      ...tokens.map((token) => this.#client.set(this.#keys.token(token.hash), id)),
    ]);
    return { ...record, tokens: [...tokens] };
  }

  findByTokenHash(hash: string): Promise<string | null> {
    return this.#client.get(this.#keys.token(hash));
  }

  async putPresence(update: {
    clusterId: string;
    executorId: string;
    connected: boolean;
    lastSeenAt: number;
  }): Promise<void> {
    const { clusterId, executorId } = update;
    if ((await this.#client.exists(this.#keys.cluster(clusterId))) === 0) return;
    const key = this.#keys.presence(clusterId);
    const stored: StoredPresence = { connected: update.connected, lastSeenAt: update.lastSeenAt };
    const alive = this.#keys.alive(clusterId, executorId);
    const written = this.#client.multi().hset(key, executorId, JSON.stringify(stored));
    if (update.connected) written.set(alive, '1', 'PX', this.#presenceTtlMs);
    else written.del(alive);
    const replies = await written.hlen(key).exec();
    const size = Number(replies?.at(-1)?.[1] ?? 0);
    if (size > maxPresenceRecords) await this.#trim(clusterId);
  }

  async putCapabilities(
    clusterId: string,
    executorId: string,
    capabilities: ExecutorCapabilities,
  ): Promise<boolean> {
    if ((await this.#client.hexists(this.#keys.presence(clusterId), executorId)) === 0) return false;
    await this.#client.hset(this.#keys.capabilities(clusterId), executorId, JSON.stringify(capabilities));
    return true;
  }

  async listPresence(clusterId: string): Promise<ExecutorPresence[]> {
    const [presenceFields, capabilityFields] = await Promise.all([
      this.#client.hgetall(this.#keys.presence(clusterId)),
      this.#client.hgetall(this.#keys.capabilities(clusterId)),
    ]);
    const entries = Object.entries(presenceFields);
    if (entries.length === 0) return [];
    const alive = await Promise.all(
      entries.map(([executorId]) => this.#client.exists(this.#keys.alive(clusterId, executorId))),
    );
    const presence: ExecutorPresence[] = [];
    entries.forEach(([executorId, json], index) => {
      const stored = parsePresence(json);
      if (stored === null) return;
      presence.push({
        clusterId,
        executorId,
        connected: stored.connected && alive[index] === 1,
        lastSeenAt: stored.lastSeenAt,
        capabilities: parseCapabilities(capabilityFields[executorId]),
      });
    });
    return presence.sort((a, b) => b.lastSeenAt - a.lastSeenAt);
  }

  /** Whether some replica vouched for this executor within the presence TTL. */
  async isAlive(clusterId: string, executorId: string): Promise<boolean> {
    return (await this.#client.exists(this.#keys.alive(clusterId, executorId))) === 1;
  }

  async #trim(clusterId: string): Promise<void> {
    const presence = await this.listPresence(clusterId);
    const stale = presence.filter((entry) => !entry.connected).slice(maxPresenceRecords / 2);
    if (stale.length === 0) return;
    const executorIds = stale.map((entry) => entry.executorId);
    await this.#client.hdel(this.#keys.presence(clusterId), ...executorIds);
    await this.#client.hdel(this.#keys.capabilities(clusterId), ...executorIds);
  }
}

/** Written by this backend from presence updates. */
const parsePresence = (json: string | null): StoredPresence | null =>
  json === null ? null : (JSON.parse(json) as StoredPresence);

/**
 * Capabilities come from executors (a cluster token holder) and drive the policy pre-check: parsed,
 * never cast; a record that does not parse counts as no report.
 */
const parseCapabilities = (json: string | undefined): ExecutorCapabilities | null => {
  if (json === undefined) return null;
  try {
    const parsed = executorCapabilitiesSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
};
