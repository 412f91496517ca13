import type { Session } from '@kubently/protocol';

import { isoAt } from '../../support/clock.js';
import type { Clock } from '../../support/clock.js';
import type { SessionStore } from '../session-store.js';
import type { RedisKeys } from './redis-keys.js';
import type { RedisClient } from './redis-script.js';

/**
 * An expired session must stay readable until takeExpired() hands it out (its session-ended
 * notice), so the key's own TTL runs this much past the logical expiry.
 */
const keyTtlSlackMs = 10 * 60_000;

/** One JSON string per session, a per-cluster id set, and one sorted set by expiry. */
export class RedisSessionStore implements SessionStore {
  readonly #client: RedisClient;
  readonly #keys: RedisKeys;
  readonly #clock: Clock;

  constructor(options: { client: RedisClient; keys: RedisKeys; clock: Clock }) {
    this.#client = options.client;
    this.#keys = options.keys;
    this.#clock = options.clock;
  }

  async create(session: Session): Promise<void> {
    await this.#write(session);
    await this.#client.sadd(this.#keys.clusterSessions(session.clusterId), session.id);
  }

  async get(id: string): Promise<Session | null> {
    return this.#live(await this.#read(id));
  }

  async touch(id: string): Promise<Session | null> {
    const session = this.#live(await this.#read(id));
    if (session === null) return null;
    const touched: Session = {
      ...session,
      expiresAt: isoAt(this.#clock.now() + session.ttlSeconds * 1000),
    };
    await this.#write(touched);
    return touched;
  }

  async delete(id: string): Promise<Session | null> {
    const json = await this.#client.getdel(this.#keys.session(id));
    const session = json === null ? null : parseSession(json);
    if (session !== null) {
      await Promise.all([
        this.#client.srem(this.#keys.clusterSessions(session.clusterId), id),
        this.#client.zrem(this.#keys.sessionExpiry, id),
      ]);
    }
    return this.#live(session);
  }

  async listByCluster(clusterId: string): Promise<Session[]> {
    const ids = await this.#client.smembers(this.#keys.clusterSessions(clusterId));
    const sessions = await Promise.all(ids.map(async (id) => this.#live(await this.#read(id))));
    return sessions.filter((session): session is Session => session !== null);
  }

  async takeExpired(): Promise<Session[]> {
    const now = this.#clock.now();
    const ids = await this.#client.zrangebyscore(this.#keys.sessionExpiry, '-inf', now, 'LIMIT', 0, 1000);
    const expired: Session[] = [];
    for (const id of ids) {
      // ZREM is the once-only hand-out across replicas.
      if ((await this.#client.zrem(this.#keys.sessionExpiry, id)) === 0) continue;
      const session = await this.#read(id);
      if (session === null) continue;
      if (Date.parse(session.expiresAt) > now) {
        await this.#client.zadd(this.#keys.sessionExpiry, Date.parse(session.expiresAt), id);
        continue;
      }
      await Promise.all([
        this.#client.del(this.#keys.session(id)),
        this.#client.srem(this.#keys.clusterSessions(session.clusterId), id),
      ]);
      expired.push(session);
    }
    return expired;
  }

  async #write(session: Session): Promise<void> {
    const expiresAt = Date.parse(session.expiresAt);
    const ttlMs = Math.max(1, expiresAt - this.#clock.now()) + keyTtlSlackMs;
    await Promise.all([
      this.#client.set(this.#keys.session(session.id), JSON.stringify(session), 'PX', ttlMs),
      this.#client.zadd(this.#keys.sessionExpiry, expiresAt, session.id),
    ]);
  }

  async #read(id: string): Promise<Session | null> {
    const json = await this.#client.get(this.#keys.session(id));
    return json === null ? null : parseSession(json);
  }

  #live(session: Session | null): Session | null {
    return session !== null && Date.parse(session.expiresAt) > this.#clock.now() ? session : null;
  }
}

/** Stored by this backend from a validated Session. */
const parseSession = (json: string): Session => JSON.parse(json) as Session;
