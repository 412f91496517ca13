import { z } from 'zod';

import { findingRecordSchema } from '@kubently/protocol';

import { applyObservation, compareFindings } from '../apply-observation.js';
import { deadLetterCapacity } from '../finding-history.js';
import type {
  DeadLetterRecord,
  FindingFilter,
  FindingHistory,
  FindingRecord,
  FindingTransition,
  ObserveInput,
} from '../finding-history.js';
import type { BadDataReporter } from './bad-data-reporter.js';
import type { RedisKeys } from './redis-keys.js';
import { RedisScript } from './redis-script.js';
import type { RedisClient } from './redis-script.js';

const deadLetterSchema = z.object({
  sink: z.string(),
  sinkType: z.string(),
  event: z.enum(['trigger', 'resolve']),
  fingerprint: z.string(),
  clusterId: z.string(),
  attempts: z.number().int(),
  error: z.string(),
  failedAt: z.number(),
});

/** Takes the claim when it is free or already this holder's (renewal); Redis's clock expires it. */
const claimScript = new RedisScript(
  "local holder = redis.call('get', KEYS[1]) if holder == false or holder == ARGV[1] then redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end return 0",
);

/**
 * A hash per cluster (fingerprint → record JSON), a set of clusters with findings, a claim key per
 * watch scope, and a capped list of dead letters. `observe` reads and writes one cluster's hash;
 * the watch holds the scope's claim while it does.
 */
export class RedisFindingHistory implements FindingHistory {
  readonly #client: RedisClient;
  readonly #keys: RedisKeys;
  readonly #reporter: BadDataReporter;

  constructor(options: { client: RedisClient; keys: RedisKeys; reporter: BadDataReporter }) {
    this.#client = options.client;
    this.#keys = options.keys;
    this.#reporter = options.reporter;
  }

  async #read(clusterId: string): Promise<Map<string, FindingRecord>> {
    const key = this.#keys.findings(clusterId);
    const fields =
      (await this.#reporter.absentOnWrongType(this.#client.hgetall(key), { entity: 'findings', key })) ?? {};
    const records = new Map<string, FindingRecord>();
    for (const [fingerprint, text] of Object.entries(fields)) {
      const record = this.#reporter.parseJson(findingRecordSchema, text, {
        entity: 'findings',
        key,
        field: fingerprint,
      });
      if (record !== null) records.set(fingerprint, record);
    }
    return records;
  }

  async observe(input: ObserveInput): Promise<FindingTransition[]> {
    const { updates, transitions } = applyObservation(await this.#read(input.clusterId), input);
    if (updates.length > 0) {
      await this.#client.hset(
        this.#keys.findings(input.clusterId),
        Object.fromEntries(updates.map((record) => [record.fingerprint, JSON.stringify(record)])),
      );
      await this.#client.sadd(this.#keys.findingClusters, input.clusterId);
    }
    return [...transitions];
  }

  async list(filter: FindingFilter): Promise<FindingRecord[]> {
    const clusters =
      filter.clusterId === undefined
        ? await this.#client.smembers(this.#keys.findingClusters)
        : [filter.clusterId];
    const all: FindingRecord[] = [];
    for (const clusterId of clusters) {
      if (filter.clusters != null && !filter.clusters.includes(clusterId)) continue;
      for (const record of (await this.#read(clusterId)).values()) {
        if (filter.status === undefined || record.status === filter.status) all.push(record);
      }
    }
    return all.sort(compareFindings).slice(0, filter.limit);
  }

  async get(clusterId: string, fingerprint: string): Promise<FindingRecord | null> {
    const key = this.#keys.findings(clusterId);
    const text = await this.#client.hget(key, fingerprint);
    return text === null
      ? null
      : this.#reporter.parseJson(findingRecordSchema, text, { entity: 'findings', key, field: fingerprint });
  }

  async claim(scope: string, holder: string, _at: number, ttlMs: number): Promise<boolean> {
    const taken = await claimScript.run(
      this.#client,
      [this.#keys.watchClaim(scope)],
      [holder, Math.max(1, Math.ceil(ttlMs))],
    );
    return taken === 1;
  }

  async addDeadLetter(letter: DeadLetterRecord): Promise<void> {
    await this.#client.lpush(this.#keys.deadLetters, JSON.stringify(letter));
    await this.#client.ltrim(this.#keys.deadLetters, 0, deadLetterCapacity - 1);
  }

  async deadLetters(limit: number): Promise<DeadLetterRecord[]> {
    const key = this.#keys.deadLetters;
    const items = await this.#client.lrange(key, 0, Math.max(0, limit - 1));
    return items.flatMap((text, index) => {
      const letter = this.#reporter.parseJson(deadLetterSchema, text, {
        entity: 'dead-letters',
        key,
        field: String(index),
      });
      return letter === null ? [] : [letter];
    });
  }
}
