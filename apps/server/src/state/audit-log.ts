import type { AuditRecord } from '@kubently/protocol';

export interface AuditFilter {
  readonly clusterId?: string | undefined;
  /** Epoch ms; only records at or after it. */
  readonly since?: number | undefined;
  readonly limit: number;
}

/** Append-only audit log with a bounded size (Redis: a capped stream, XADD MAXLEN ~). */
export interface AuditLog {
  append(record: AuditRecord): Promise<void>;
  /** Newest first. */
  query(filter: AuditFilter): Promise<AuditRecord[]>;
}
