import type { ExecutorCapabilities } from '@kubently/protocol';

/** A token is stored only as its SHA-256 hash (hex); `expiresAt` is set on a rotated-out token. */
export interface StoredToken {
  readonly hash: string;
  readonly expiresAt: number | null;
}

export interface ClusterRecord {
  readonly id: string;
  readonly createdAt: number;
  readonly tokens: readonly StoredToken[];
}

/** What the server knows about one executor process (identified by its X-Executor-ID). */
export interface ExecutorPresence {
  readonly clusterId: string;
  readonly executorId: string;
  readonly connected: boolean;
  readonly lastSeenAt: number;
  readonly capabilities: ExecutorCapabilities | null;
}

/**
 * Registered clusters, their executor token hashes and executor presence. A Redis implementation
 * keeps one hash per cluster plus a token-hash index; all keys of a cluster share a hash tag.
 */
export interface ClusterRegistry {
  /** Returns false when a cluster with that id already exists. */
  create(record: ClusterRecord): Promise<boolean>;
  get(id: string): Promise<ClusterRecord | null>;
  list(): Promise<ClusterRecord[]>;
  /**
   * Removes the cluster, its token index entries and its presence records, and remembers its token
   * hashes (30 days at least) so an executor still using one is told the cluster was removed
   * (`findRemovedByTokenHash`) rather than that its token is wrong.
   */
  delete(id: string): Promise<boolean>;
  /** Replaces the cluster's token set; returns null for an unknown cluster. */
  replaceTokens(id: string, tokens: readonly StoredToken[]): Promise<ClusterRecord | null>;
  /** The cluster a token hash belongs to (expired hashes included: the caller checks expiry). */
  findByTokenHash(hash: string): Promise<string | null>;
  /** The removed cluster a token hash belonged to, or null. */
  findRemovedByTokenHash(hash: string): Promise<string | null>;
  /** Records presence for one executor of a registered cluster; its stored capabilities stay. */
  putPresence(presence: {
    clusterId: string;
    executorId: string;
    connected: boolean;
    lastSeenAt: number;
  }): Promise<void>;
  /**
   * Stores what an executor reported (versions, mode, policy extras) with its presence, for every
   * replica's cluster view and policy pre-check. Written apart from presence, so a presence update
   * racing with it never loses it. False (nothing stored) for an unknown cluster or an executor
   * without a presence record.
   */
  putCapabilities(
    clusterId: string,
    executorId: string,
    capabilities: ExecutorCapabilities,
  ): Promise<boolean>;
  /** Presence records of a cluster, most recently seen first. */
  listPresence(clusterId: string): Promise<ExecutorPresence[]>;
}
