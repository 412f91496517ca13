import type { AuditRecord } from '@kubently/protocol';

import type { AuditFilter, AuditLog } from '../audit-log.js';
import type { RedisKeys } from './redis-keys.js';
import type { RedisClient } from './redis-script.js';

const pageSize = 500;

/**
 * A capped stream (XADD MAXLEN ~): Redis trims whole nodes, so it may hold a few more than
 * `maxRecords`; queries never look past the newest `maxRecords`, so what is visible is exact.
 */
export class RedisAuditLog implements AuditLog {
  readonly #client: RedisClient;
  readonly #keys: RedisKeys;
  readonly #maxRecords: number;

  constructor(options: { client: RedisClient; keys: RedisKeys; maxRecords: number }) {
    this.#client = options.client;
    this.#keys = options.keys;
    this.#maxRecords = options.maxRecords;
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
      const entries = await this.#client.xrevrange(this.#keys.audit, end, '-', 'COUNT', count);
      for (const [entryId, fields] of entries) {
        scanned += 1;
        end = `(${entryId}`;
        const json = fields[1];
        if (json === undefined) continue;
        // Written by this backend from a validated AuditRecord.
        const record = JSON.parse(json) as AuditRecord;
        if (clusterId !== undefined && record.clusterId !== clusterId) continue;
        if (since !== undefined && Date.parse(record.at) < since) continue;
        result.push(record);
        if (result.length >= limit) break;
      }
      if (entries.length < count) break;
    }
    return result;
  }
}
