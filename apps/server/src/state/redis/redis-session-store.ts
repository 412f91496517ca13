import { idSchema, sessionSchema } from '@kubently/protocol';
import type { Session } from '@kubently/protocol';

import { isoAt } from '../../support/clock.js';
import type { Clock } from '../../support/clock.js';
import type { SessionStore } from '../session-store.js';
import type { BadDataReporter } from './bad-data-reporter.js';
import type { RedisKeys } from './redis-keys.js';
import type { RedisClient } from './redis-script.js';

/**
 * An expired session must stay readable until takeExpired() hands it out (its session-ended
 * notice), so the key's own TTL runs this much past the logical expiry.
 */
const keyTtlSlackMs = 10 * 60_000;

/**
 * One JSON string per session, a per-cluster id set, and one sorted set by expiry. A session whose
 * JSON fails the protocol schema (or is stored under another id) reads as absent.
 */
export class RedisSessionStore implements SessionStore {
  readonly #client: RedisClient;
  readonly #keys: RedisKeys;
  readonly #clock: Clock;
  readonly #reporter: BadDataReporter;

  constructor(options: { client: RedisClient; keys: RedisKeys; clock: Clock; reporter: BadDataReporter }) {
    this.#client = options.client;
    this.#keys = options.keys;
    this.#clock = options.clock;
    this.#reporter = options.reporter;
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
    const key = this.#keys.session(id);
    const json = await this.#reporter.absentOnWrongType(this.#client.getdel(key), { entity: 'session', key });
    const session = json === null ? null : this.#parse(id, json);
    if (session !== null) {
      await Promise.all([
        this.#client.srem(this.#keys.clusterSessions(session.clusterId), id),
        this.#client.zrem(this.#keys.sessionExpiry, id),
      ]);
    }
    return this.#live(session);
  }

  async listByCluster(clusterId: string): Promise<Session[]> {
    const ids = this.#ids(
      this.#keys.clusterSessions(clusterId),
      await this.#client.smembers(this.#keys.clusterSessions(clusterId)),
    );
    const sessions = await Promise.all(ids.map(async (id) => this.#live(await this.#read(id))));
    return sessions.filter((session): session is Session => session !== null);
  }

  async takeExpired(): Promise<Session[]> {
    const now = this.#clock.now();
    const members = await this.#client.zrangebyscore(this.#keys.sessionExpiry, '-inf', now, 'LIMIT', 0, 1000);
    const expired: Session[] = [];
    for (const id of members) {
      // ZREM is the once-only hand-out across replicas.
      if ((await this.#client.zrem(this.#keys.sessionExpiry, id)) === 0) continue;
      if (this.#ids(this.#keys.sessionExpiry, [id]).length === 0) continue;
      const session = await this.#read(id);
      if (session === null) {
        // Gone, or unreadable: an unreadable one is removed now that it is due.
        await this.#client.del(this.#keys.session(id));
        continue;
      }
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
    const key = this.#keys.session(id);
    const json = await this.#reporter.absentOnWrongType(this.#client.get(key), { entity: 'session', key });
    return json === null ? null : this.#parse(id, json);
  }

  #parse(id: string, json: string): Session | null {
    const site = { entity: 'session', key: this.#keys.session(id) };
    const session = this.#reporter.parseJson(sessionSchema, json, site);
    if (session === null || session.id === id) return session;
    this.#reporter.report('bad_record', site, 'holds another session');
    return null;
  }

  /** Members of an id set or sorted set; one that is no id is reported and skipped. */
  #ids(key: string, members: readonly string[]): string[] {
    return members.filter(
      (member) => this.#reporter.parse(idSchema, member, { entity: 'session', key }) !== null,
    );
  }

  #live(session: Session | null): Session | null {
    return session !== null && Date.parse(session.expiresAt) > this.#clock.now() ? session : null;
  }
}
