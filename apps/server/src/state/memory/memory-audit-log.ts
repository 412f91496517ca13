import type { AuditRecord } from '@kubently/protocol';

import type { AuditFilter, AuditLog } from '../audit-log.js';

/** Ring buffer: once `maxRecords` is reached the oldest record is overwritten. */
export class MemoryAuditLog implements AuditLog {
  readonly #records: (AuditRecord | undefined)[];
  #next = 0;
  #size = 0;

  constructor(maxRecords: number) {
    this.#records = new Array<AuditRecord | undefined>(maxRecords);
  }

  append(record: AuditRecord): Promise<void> {
    this.#records[this.#next] = record;
    this.#next = (this.#next + 1) % this.#records.length;
    this.#size = Math.min(this.#size + 1, this.#records.length);
    return Promise.resolve();
  }

  query({ clusterId, since, limit }: AuditFilter): Promise<AuditRecord[]> {
    const result: AuditRecord[] = [];
    const capacity = this.#records.length;
    for (let index = 1; index <= this.#size && result.length < limit; index += 1) {
      const record = this.#records[(this.#next - index + capacity) % capacity];
      if (record === undefined) continue;
      if (clusterId !== undefined && record.clusterId !== clusterId) continue;
      if (since !== undefined && Date.parse(record.at) < since) continue;
      result.push(record);
    }
    return Promise.resolve(result);
  }
}
