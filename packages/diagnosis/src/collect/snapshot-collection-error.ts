import type { CollectionWarning } from './collection-warning.js';

/**
 * Nothing useful could be collected: no executor, the API server unreachable, credentials
 * rejected, or not a single kind listed. Diagnosing what little there is would report a healthy
 * cluster, so the collector refuses. `code` is the runner's failure code when it gave one
 * (`executor_unavailable`, `kubectl_not_found`, ...), else `cluster_unreachable` or
 * `nothing_collected`.
 */
export class SnapshotCollectionError extends Error {
  override readonly name = 'SnapshotCollectionError';
  readonly code: string;
  readonly fix: string;
  readonly warnings: readonly CollectionWarning[];

  constructor(code: string, message: string, fix: string, warnings: readonly CollectionWarning[]) {
    super(message);
    this.code = code;
    this.fix = fix;
    this.warnings = warnings;
  }
}
