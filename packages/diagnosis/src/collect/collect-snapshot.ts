import type { SnapshotKind } from '../snapshot/cluster-snapshot.js';
import { apiLister } from './api-lister.js';
import { assembleSnapshot } from './assemble-snapshot.js';
import type { Collection } from './collection-warning.js';
import { createCollectionRun } from './collection-run.js';
import type { LogLimits } from './collect-container-logs.js';
import type { KubectlRun } from './kubectl-run.js';
import { kubectlLister } from './kubectl-lister.js';
import type { ListRead } from './list-read.js';
import type { ClusterSnapshot } from '../snapshot/cluster-snapshot.js';
import { snapshotSources } from './snapshot-sources.js';

export interface CollectionLimits {
  /**
   * When a cluster-wide list is truncated at the runner's output cap, the kind is listed again one
   * namespace at a time, if the cluster has at most this many namespaces (default 500).
   */
  readonly maxFallbackNamespaces?: number;
}

export interface CollectSnapshotOptions {
  /** kubectl, for what the read path does not cover (container logs) and when `read` is absent. */
  readonly run: KubectlRun;
  /**
   * The executor's structured read path (decision 0011), when it offers one: every kind is then
   * listed through it, one API list per kind, instead of `kubectl get -o json`.
   */
  readonly read?: ListRead | undefined;
  /** `"all"` lists with `-A`; a list of namespaces lists each with `-n` (cluster-scoped kinds once). */
  readonly namespaces: 'all' | readonly string[];
  readonly signal: AbortSignal;
  /** Commands in flight at once (default 6). */
  readonly concurrency?: number;
  readonly limits?: CollectionLimits;
  /** Only these kinds (default: every kind of the snapshot schema). */
  readonly kinds?: readonly SnapshotKind[];
  /** Milliseconds since the epoch; stamps `collectedAt` and times commands (default `Date.now`). */
  readonly now?: () => number;
  /**
   * Bounds for reading the logs of failing containers after the lists (default: 12 containers,
   * 200 lines, 64 KiB each, current and previous); `false` reads no log.
   */
  readonly logs?: LogLimits | false;
}

export interface CollectedSnapshot {
  readonly snapshot: ClusterSnapshot;
  readonly collection: Collection;
}

const namespacePattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const validateOptions = (options: CollectSnapshotOptions): void => {
  const { namespaces, concurrency } = options;
  if (namespaces !== 'all') {
    if (namespaces.length === 0)
      throw new TypeError('namespaces must be "all" or a non-empty list of namespace names');
    for (const namespace of namespaces) {
      if (!namespacePattern.test(namespace) || namespace.length > 63)
        throw new TypeError(
          `namespace ${JSON.stringify(namespace)} is not a valid name (lower-case letters, digits and "-", at most 63)`,
        );
    }
  }
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64))
    throw new TypeError(`concurrency must be a whole number from 1 to 64 (got ${String(concurrency)})`);
};

/**
 * Builds a `ClusterSnapshot` by listing every kind, through the executor's read path when `read`
 * is given, else with read-only `kubectl get <resource> -o json` through `run`; at most
 * `concurrency` at once. A kind that cannot be listed completely (RBAC, unknown type, timeout,
 * output cut at the runner's cap, unparseable output) is left absent and named in
 * `collection.warnings` with the reason and the fix; truncated output is never parsed. Secret and
 * ConfigMap values are dropped as soon as a list is parsed. Rejects with `signal.reason` when
 * aborted, and with a `SnapshotCollectionError` when nothing can be collected (no executor,
 * cluster unreachable).
 */
export const collectSnapshot = async (options: CollectSnapshotOptions): Promise<CollectedSnapshot> => {
  validateOptions(options);
  const { namespaces } = options;
  const now = options.now ?? Date.now;
  const wanted = options.kinds === undefined ? undefined : new Set(options.kinds);
  const sources = snapshotSources.filter((source) => wanted?.has(source.kind) ?? true);
  const started = now();
  const collection = createCollectionRun({
    signal: options.signal,
    concurrency: options.concurrency ?? 6,
    now,
  });
  const collectSource =
    options.read === undefined
      ? kubectlLister({
          run: options.run,
          collection,
          sources,
          namespaces,
          maxFallbackNamespaces: options.limits?.maxFallbackNamespaces ?? 500,
        })
      : apiLister({ read: options.read, collection, namespaces });
  try {
    const settled = await Promise.allSettled(sources.map(collectSource));
    options.signal.throwIfAborted();
    return await assembleSnapshot({ options, sources, settled, collection, started });
  } finally {
    collection.close();
  }
};
