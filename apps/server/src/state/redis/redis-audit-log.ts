import { auditRecordSchema } from '@kubently/protocol';
import type { AuditRecord } from '@kubently/protocol';

import type { AuditFilter, AuditLog } from '../audit-log.js';
import type { BadDataReporter, ReadSite } from './bad-data-reporter.js';
import type { RedisKeys } from './redis-keys.js';
import type { RedisClient } from './redis-script.js';

const pageSize = 500;

/**
 * A capped stream (XADD MAXLEN ~): Redis trims whole nodes, so it may hold a few more than
 * `maxRecords`; queries never look past the newest `maxRecords`, so what is visible is exact. An
 * entry that is not an audit record is skipped (reported); it still counts toward `maxRecords`.
 */
export class RedisAuditLog implements AuditLog {
  readonly #client: RedisClient;
  readonly #keys: RedisKeys;
  readonly #maxRecords: number;
  readonly #reporter: BadDataReporter;

  constructor(options: {
    client: RedisClient;
    keys: RedisKeys;
    maxRecords: number;
    reporter: BadDataReporter;
  }) {
    this.#client = options.client;
    this.#keys = options.keys;
    this.#maxRecords = options.maxRecords;
    this.#reporter = options.reporter;
  }

  async append(record: AuditRecord): Promise<void> {
    await this.#client.xadd(
      this.#keys.audit,
      'MAXLEN',
      '~',
      this.#maxRecords,
      '*',
      'r',
      JSON.stringify(record),
    );
  }

  async query({ clusterId, since, limit }: AuditFilter): Promise<AuditRecord[]> {
    const result: AuditRecord[] = [];
    let scanned = 0;
    let end = '+';
    while (result.length < limit && scanned < this.#maxRecords) {
      const count = Math.min(pageSize, this.#maxRecords - scanned);
      const site = { entity: 'audit', key: this.#keys.audit };
      const entries =
        (await this.#reporter.absentOnWrongType(
          this.#client.xrevrange(this.#keys.audit, end, '-', 'COUNT', count),
          site,
        )) ?? [];
      for (const [entryId, fields] of entries) {
        scanned += 1;
        end = `(${entryId}`;
        const record = this.#recordOf({ ...site, field: entryId }, fields);
        if (record === null) continue;
        if (clusterId !== undefined && record.clusterId !== clusterId) continue;
        if (since !== undefined && Date.parse(record.at) < since) continue;
        result.push(record);
        if (result.length >= limit) break;
      }
      if (entries.length < count) break;
    }
    return result;
  }

  #recordOf(site: ReadSite, [name, json]: readonly string[]): AuditRecord | null {
    if (name === 'r' && json !== undefined) return this.#reporter.parseJson(auditRecordSchema, json, site);
    this.#reporter.report('bad_record', site, 'the entry is not {r: <record JSON>}');
    return null;
  }
}
