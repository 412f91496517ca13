import { z } from 'zod';

import { clusterIdSchema, keyIdentitySchema, roleSchema, serviceIdentitySchema } from '@kubently/protocol';

import type { KeyStore, StoredApiKey, StoredKeyHash } from '../key-store.js';
import type { BadDataReporter } from './bad-data-reporter.js';
import type { RedisKeys } from './redis-keys.js';
import { jsonText } from './redis-record-schemas.js';
import { RedisScript } from './redis-script.js';
import type { RedisClient } from './redis-script.js';

type StoredFields = Omit<StoredApiKey, 'identity' | 'lastUsedAt'>;

const storedHashSchema: z.ZodType<StoredKeyHash> = z.object({
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  expiresAt: z.number().nullable(),
});

const keyHashSchema = z
  .object({
    record: jsonText(
      z.object({
        role: roleSchema,
        clusters: z.array(clusterIdSchema).nullable(),
        // Records written before service identity allowlists existed have no field: any.
        serviceIdentities: z.array(serviceIdentitySchema).nullable().optional(),
        createdAt: z.number(),
        expiresAt: z.number().nullable(),
        hashes: z.array(storedHashSchema),
      }),
    ),
    lastUsedAt: z.string().regex(/^\d+$/).transform(Number).optional(),
  })
  .transform((fields): { record: StoredFields; lastUsedAt: number | null } => ({
    record: { ...fields.record, serviceIdentities: fields.record.serviceIdentities ?? null },
    lastUsedAt: fields.lastUsedAt ?? null,
  }));

/** Only a key that still exists is touched: a touch racing a revoke must not bring back a stub. */
const touchScript = new RedisScript(
  "if redis.call('exists', KEYS[1]) == 1 then redis.call('hset', KEYS[1], 'lastUsedAt', ARGV[1]) end return 0",
);

/** A hash per identity (`record` JSON plus `lastUsedAt`), a set of identities, an index key per key hash. */
export class RedisKeyStore implements KeyStore {
  readonly #client: RedisClient;
  readonly #keys: RedisKeys;
  readonly #reporter: BadDataReporter;

  constructor(options: { client: RedisClient; keys: RedisKeys; reporter: BadDataReporter }) {
    this.#client = options.client;
    this.#keys = options.keys;
    this.#reporter = options.reporter;
  }

  async create(record: StoredApiKey): Promise<boolean> {
    const created = await this.#client.hsetnx(
      this.#keys.apiKey(record.identity),
      'record',
      JSON.stringify(fieldsOf(record)),
    );
    if (created === 0) return false;
    await Promise.all([
      this.#client.sadd(this.#keys.apiKeys, record.identity),
      ...record.hashes.map((entry) => this.#client.set(this.#keys.apiKeyHash(entry.hash), record.identity)),
    ]);
    return true;
  }

  /** A malformed record reads as absent: the key stops working (401) and the problem is reported. */
  async get(identity: string): Promise<StoredApiKey | null> {
    const site = { entity: 'api-key', key: this.#keys.apiKey(identity) };
    const fields = await this.#reporter.absentOnWrongType(this.#client.hgetall(site.key), site);
    if (fields === null || Object.keys(fields).length === 0) return null;
    const parsed = this.#reporter.parse(keyHashSchema, fields, site);
    return parsed === null ? null : { identity, ...parsed.record, lastUsedAt: parsed.lastUsedAt };
  }

  async list(): Promise<StoredApiKey[]> {
    const site = { entity: 'api-key', key: this.#keys.apiKeys };
    const members = await this.#client.smembers(site.key);
    const identities = members.filter(
      (member) => this.#reporter.parse(keyIdentitySchema, member, site) !== null,
    );
    const records = await Promise.all(identities.map((identity) => this.get(identity)));
    return records
      .filter((record): record is StoredApiKey => record !== null)
      .sort((a, b) => (a.identity < b.identity ? -1 : a.identity > b.identity ? 1 : 0));
  }

  async findByHash(hash: string): Promise<StoredApiKey | null> {
    const site = { entity: 'api-key-hash', key: this.#keys.apiKeyHash(hash) };
    const owner = await this.#reporter.absentOnWrongType(this.#client.get(site.key), site);
    if (owner === null) return null;
    const identity = this.#reporter.parse(keyIdentitySchema, owner, site);
    return identity === null ? null : this.get(identity);
  }

  async replaceHashes(identity: string, hashes: readonly StoredKeyHash[]): Promise<StoredApiKey | null> {
    const record = await this.get(identity);
    if (record === null) return null;
    const updated: StoredApiKey = { ...record, hashes: [...hashes] };
    await this.#client.hset(this.#keys.apiKey(identity), 'record', JSON.stringify(fieldsOf(updated)));
    const kept = new Set(hashes.map((entry) => entry.hash));
    await Promise.all([
      ...record.hashes
        .filter((entry) => !kept.has(entry.hash))
        .map((entry) => this.#client.del(this.#keys.apiKeyHash(entry.hash))),
      ...hashes.map((entry) => this.#client.set(this.#keys.apiKeyHash(entry.hash), identity)),
    ]);
    return updated;
  }

  async delete(identity: string): Promise<boolean> {
    const record = await this.get(identity);
    // The hash goes first: from then on no presented key resolves to this identity.
    const removed = await this.#client.del(this.#keys.apiKey(identity));
    await Promise.all([
      this.#client.srem(this.#keys.apiKeys, identity),
      ...(record?.hashes ?? []).map((entry) => this.#client.del(this.#keys.apiKeyHash(entry.hash))),
    ]);
    return removed === 1;
  }

  async touch(identity: string, at: number): Promise<void> {
    await touchScript.run(this.#client, [this.#keys.apiKey(identity)], [Math.floor(at)]);
  }
}

const fieldsOf = (record: StoredApiKey): StoredFields => ({
  role: record.role,
  clusters: record.clusters,
  serviceIdentities: record.serviceIdentities ?? null,
  createdAt: record.createdAt,
  expiresAt: record.expiresAt,
  hashes: record.hashes,
});
