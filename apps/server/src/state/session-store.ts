import type { Session } from '@kubently/protocol';

/** Sessions with a sliding TTL (Redis: one hash per session plus a sorted set by expiry). */
export interface SessionStore {
  create(session: Session): Promise<void>;
  /** Null for an unknown or expired session. */
  get(id: string): Promise<Session | null>;
  /** Slides `expiresAt` to now + ttlSeconds; null for an unknown or expired session. */
  touch(id: string): Promise<Session | null>;
  delete(id: string): Promise<Session | null>;
  listByCluster(clusterId: string): Promise<Session[]>;
  /** Removes and returns every session whose TTL has run out (each returned once). */
  takeExpired(): Promise<Session[]>;
}
