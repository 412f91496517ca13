import type { Session } from '@kubently/protocol';

import { isoAt } from '../../support/clock.js';
import type { Clock } from '../../support/clock.js';
import type { SessionStore } from '../session-store.js';

interface Entry {
  session: Session;
  expiresAt: number;
}

export class MemorySessionStore implements SessionStore {
  readonly #entries = new Map<string, Entry>();
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  create(session: Session): Promise<void> {
    this.#entries.set(session.id, { session, expiresAt: Date.parse(session.expiresAt) });
    return Promise.resolve();
  }

  get(id: string): Promise<Session | null> {
    return Promise.resolve(this.#live(id)?.session ?? null);
  }

  touch(id: string): Promise<Session | null> {
    const entry = this.#live(id);
    if (entry === undefined) return Promise.resolve(null);
    const expiresAt = this.#clock.now() + entry.session.ttlSeconds * 1000;
    entry.expiresAt = expiresAt;
    entry.session = { ...entry.session, expiresAt: isoAt(expiresAt) };
    return Promise.resolve(entry.session);
  }

  delete(id: string): Promise<Session | null> {
    const entry = this.#live(id);
    this.#entries.delete(id);
    return Promise.resolve(entry?.session ?? null);
  }

  listByCluster(clusterId: string): Promise<Session[]> {
    const now = this.#clock.now();
    const sessions: Session[] = [];
    for (const entry of this.#entries.values()) {
      if (entry.session.clusterId === clusterId && entry.expiresAt > now) sessions.push(entry.session);
    }
    return Promise.resolve(sessions);
  }

  takeExpired(): Promise<Session[]> {
    const now = this.#clock.now();
    const expired: Session[] = [];
    for (const [id, entry] of this.#entries) {
      if (entry.expiresAt <= now) {
        this.#entries.delete(id);
        expired.push(entry.session);
      }
    }
    return Promise.resolve(expired);
  }

  /** An expired entry stays until takeExpired() so its session-ended notice is not lost. */
  #live(id: string): Entry | undefined {
    const entry = this.#entries.get(id);
    return entry !== undefined && entry.expiresAt > this.#clock.now() ? entry : undefined;
  }
}
