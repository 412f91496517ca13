import type { ExecutorCapabilities } from '@kubently/protocol';

import type { ClusterRecord, ClusterRegistry, ExecutorPresence, StoredToken } from '../cluster-registry.js';

/** Disconnected presence records kept per cluster; executor ids are per process, so they pile up. */
const maxDisconnectedPresence = 16;
/** Token hashes of removed clusters remembered (the oldest are forgotten first). */
const maxRemovedTokens = 10_000;

export class MemoryClusterRegistry implements ClusterRegistry {
  readonly #clusters = new Map<string, ClusterRecord>();
  readonly #tokenIndex = new Map<string, string>();
  readonly #presence = new Map<string, Map<string, ExecutorPresence>>();
  readonly #removedTokens = new Map<string, string>();

  create(record: ClusterRecord): Promise<boolean> {
    if (this.#clusters.has(record.id)) return Promise.resolve(false);
    this.#clusters.set(record.id, record);
    for (const token of record.tokens) this.#tokenIndex.set(token.hash, record.id);
    return Promise.resolve(true);
  }

  get(id: string): Promise<ClusterRecord | null> {
    return Promise.resolve(this.#clusters.get(id) ?? null);
  }

  list(): Promise<ClusterRecord[]> {
    return Promise.resolve([...this.#clusters.values()].sort((a, b) => a.id.localeCompare(b.id)));
  }

  delete(id: string): Promise<boolean> {
    const record = this.#clusters.get(id);
    if (record === undefined) return Promise.resolve(false);
    for (const token of record.tokens) {
      this.#tokenIndex.delete(token.hash);
      this.#removedTokens.delete(token.hash);
      this.#removedTokens.set(token.hash, id);
    }
    for (const hash of this.#removedTokens.keys()) {
      if (this.#removedTokens.size <= maxRemovedTokens) break;
      this.#removedTokens.delete(hash);
    }
    this.#clusters.delete(id);
    this.#presence.delete(id);
    return Promise.resolve(true);
  }

  replaceTokens(id: string, tokens: readonly StoredToken[]): Promise<ClusterRecord | null> {
    const record = this.#clusters.get(id);
    if (record === undefined) return Promise.resolve(null);
    for (const token of record.tokens) this.#tokenIndex.delete(token.hash);
    const updated: ClusterRecord = { ...record, tokens: [...tokens] };
    this.#clusters.set(id, updated);
    for (const token of tokens) this.#tokenIndex.set(token.hash, id);
    return Promise.resolve(updated);
  }

  findByTokenHash(hash: string): Promise<string | null> {
    return Promise.resolve(this.#tokenIndex.get(hash) ?? null);
  }

  findRemovedByTokenHash(hash: string): Promise<string | null> {
    return Promise.resolve(this.#removedTokens.get(hash) ?? null);
  }

  putPresence(update: {
    clusterId: string;
    executorId: string;
    connected: boolean;
    lastSeenAt: number;
  }): Promise<void> {
    if (!this.#clusters.has(update.clusterId)) return Promise.resolve();
    let executors = this.#presence.get(update.clusterId);
    if (executors === undefined) {
      executors = new Map();
      this.#presence.set(update.clusterId, executors);
    }
    const previous = executors.get(update.executorId);
    executors.delete(update.executorId);
    executors.set(update.executorId, {
      clusterId: update.clusterId,
      executorId: update.executorId,
      connected: update.connected,
      lastSeenAt: update.lastSeenAt,
      capabilities: previous?.capabilities ?? null,
    });
    this.#trim(executors);
    return Promise.resolve();
  }

  putCapabilities(
    clusterId: string,
    executorId: string,
    capabilities: ExecutorCapabilities,
  ): Promise<boolean> {
    const executors = this.#presence.get(clusterId);
    const previous = executors?.get(executorId);
    if (executors === undefined || previous === undefined) return Promise.resolve(false);
    executors.set(executorId, { ...previous, capabilities });
    return Promise.resolve(true);
  }

  listPresence(clusterId: string): Promise<ExecutorPresence[]> {
    const executors = this.#presence.get(clusterId);
    if (executors === undefined) return Promise.resolve([]);
    return Promise.resolve([...executors.values()].sort((a, b) => b.lastSeenAt - a.lastSeenAt));
  }

  #trim(executors: Map<string, ExecutorPresence>): void {
    let disconnected = 0;
    for (const presence of executors.values()) if (!presence.connected) disconnected += 1;
    for (const [id, presence] of executors) {
      if (disconnected <= maxDisconnectedPresence) break;
      if (!presence.connected) {
        executors.delete(id);
        disconnected -= 1;
      }
    }
  }
}
