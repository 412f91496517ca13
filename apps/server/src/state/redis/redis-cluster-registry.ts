import { executorCapabilitiesSchema } from '@kubently/protocol';
import type { ExecutorCapabilities } from '@kubently/protocol';
import { z } from 'zod';

import type { ClusterRecord, ClusterRegistry, ExecutorPresence, StoredToken } from '../cluster-registry.js';
import type { BadDataReporter } from './bad-data-reporter.js';
import type { RedisKeys } from './redis-keys.js';
import { clusterHashSchema, jsonText, tokenOwnerSchema } from './redis-record-schemas.js';
import { execReplies } from './redis-script.js';
import type { RedisClient } from './redis-script.js';

/** Presence records kept per cluster before the oldest disconnected ones are dropped. */
const maxPresenceRecords = 32;
/** How long a removed cluster's token hashes are remembered. */
const removedTokenTtlMs = 30 * 86_400_000;

interface StoredPresence {
  readonly connected: boolean;
  readonly lastSeenAt: number;
}

const storedPresenceSchema: z.ZodType<StoredPresence, string> = jsonText(
  z.object({ connected: z.boolean(), lastSeenAt: z.number() }),
);

const storedCapabilitiesSchema: z.ZodType<ExecutorCapabilities, string> =
  jsonText(executorCapabilitiesSchema);

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
  readonly #reporter: BadDataReporter;

  constructor(options: {
    client: RedisClient;
    keys: RedisKeys;
    presenceTtlMs: number;
    reporter: BadDataReporter;
  }) {
    this.#client = options.client;
    this.#keys = options.keys;
    this.#presenceTtlMs = options.presenceTtlMs;
    this.#reporter = options.reporter;
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

  /** A malformed cluster hash reads as absent: its executors' tokens stop working (401). */
  async get(id: string): Promise<ClusterRecord | null> {
    const site = { entity: 'cluster', key: this.#keys.cluster(id) };
    const fields = await this.#reporter.absentOnWrongType(this.#client.hgetall(site.key), site);
    if (fields === null || Object.keys(fields).length === 0) return null;
    const parsed = this.#reporter.parse(clusterHashSchema, fields, site);
    return parsed === null ? null : { id, createdAt: parsed.createdAt, tokens: parsed.tokens };
  }

  async list(): Promise<ClusterRecord[]> {
    const site = { entity: 'cluster', key: this.#keys.clusters };
    const members = await this.#client.smembers(site.key);
    const ids = members.filter((member) => this.#reporter.parse(tokenOwnerSchema, member, site) !== null);
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
      ...record.tokens.map((token) =>
        this.#client.set(this.#keys.removedToken(token.hash), id, 'PX', removedTokenTtlMs),
      ),
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

  async findByTokenHash(hash: string): Promise<string | null> {
    const site = { entity: 'token', key: this.#keys.token(hash) };
    const owner = await this.#reporter.absentOnWrongType(this.#client.get(site.key), site);
    return owner === null ? null : this.#reporter.parse(tokenOwnerSchema, owner, site);
  }

  async findRemovedByTokenHash(hash: string): Promise<string | null> {
    const site = { entity: 'token', key: this.#keys.removedToken(hash) };
    const owner = await this.#reporter.absentOnWrongType(this.#client.get(site.key), site);
    return owner === null ? null : this.#reporter.parse(tokenOwnerSchema, owner, site);
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
    const size = Number(execReplies(await written.hlen(key).exec()).at(-1) ?? 0);
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
    const site = { entity: 'presence', key: this.#keys.presence(clusterId) };
    const reports = { entity: 'capabilities', key: this.#keys.capabilities(clusterId) };
    const [presenceFields, capabilityFields] = await Promise.all([
      this.#reporter.absentOnWrongType(this.#client.hgetall(site.key), site),
      this.#reporter.absentOnWrongType(this.#client.hgetall(reports.key), reports),
    ]);
    const entries = Object.entries(presenceFields ?? {});
    if (entries.length === 0) return [];
    const alive = await Promise.all(
      entries.map(([executorId]) => this.#client.exists(this.#keys.alive(clusterId, executorId))),
    );
    const presence: ExecutorPresence[] = [];
    entries.forEach(([executorId, json], index) => {
      const stored = this.#presenceOf(clusterId, executorId, json);
      if (stored === null) return;
      presence.push({
        clusterId,
        executorId,
        connected: stored.connected && alive[index] === 1,
        lastSeenAt: stored.lastSeenAt,
        capabilities: this.#capabilitiesOf(clusterId, executorId, capabilityFields?.[executorId]),
      });
    });
    return presence.sort((a, b) => b.lastSeenAt - a.lastSeenAt);
  }

  /** Whether some replica vouched for this executor within the presence TTL. */
  async isAlive(clusterId: string, executorId: string): Promise<boolean> {
    return (await this.#client.exists(this.#keys.alive(clusterId, executorId))) === 1;
  }

  #presenceOf(clusterId: string, executorId: string, json: string | null): StoredPresence | null {
    if (json === null) return null;
    const site = { entity: 'presence', key: this.#keys.presence(clusterId), field: executorId };
    return this.#reporter.parse(storedPresenceSchema, json, site);
  }

  /**
   * Capabilities come from executors (a cluster token holder) and drive the policy pre-check: a
   * report that does not parse counts as no report (and is counted and logged once).
   */
  #capabilitiesOf(
    clusterId: string,
    executorId: string,
    json: string | undefined,
  ): ExecutorCapabilities | null {
    if (json === undefined) return null;
    const site = { entity: 'capabilities', key: this.#keys.capabilities(clusterId), field: executorId };
    return this.#reporter.parse(storedCapabilitiesSchema, json, site);
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
