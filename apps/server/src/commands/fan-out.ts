import type { ClusterIds, ClusterInfo, ErrorCode } from '@kubently/protocol';

import type { Caller } from '../auth/api-key-verifier.js';
import { isKubentlyError } from '../errors/kubently-error.js';
import type { Logger } from '../support/logger.js';

export type FanOutEntry<T> =
  | { readonly clusterId: string; readonly status: 'ok'; readonly result: T }
  | {
      readonly clusterId: string;
      readonly status: 'error';
      readonly error: {
        readonly code: ErrorCode;
        readonly message: string;
        readonly details?: Readonly<Record<string, unknown>>;
      };
    };

export interface FanOut<T> {
  readonly results: FanOutEntry<T>[];
  readonly summary: { readonly clusters: number; readonly ok: number; readonly errors: number };
}

/** The cluster view a fan-out needs; ClusterService answers it within the caller's scope. */
export interface FanOutClusters {
  list(caller: Caller): Promise<ClusterInfo[]>;
  get(id: string, caller: Caller): Promise<ClusterInfo>;
}

export interface FanOutInput<T> {
  readonly clusterIds: ClusterIds;
  readonly caller: Caller;
  readonly clusters: FanOutClusters;
  /** Clusters worked on at once. */
  readonly concurrency: number;
  readonly logger: Logger;
  /** The single-cluster operation; its KubentlyError becomes that cluster's error entry. */
  readonly run: (clusterId: string) => Promise<T>;
}

const errorEntry = <T>(
  clusterId: string,
  code: ErrorCode,
  message: string,
  details?: Readonly<Record<string, unknown>>,
): FanOutEntry<T> => ({
  clusterId,
  status: 'error',
  error: { code, message, ...(details === undefined ? {} : { details }) },
});

/**
 * Runs one operation on several clusters (DESIGN §5, decision 0015). `"all"` is every cluster the
 * caller's key may see, so a scoped key never learns of, nor reaches, another. A named cluster out
 * of scope is answered `cluster_not_found`, exactly as the single call would. A cluster with no
 * connected executor is reported `executor_unavailable` at once, not queued and waited for. At most
 * `concurrency` clusters run at once; entries keep the order asked (`"all"`: by id).
 */
export const fanOut = async <T>(input: FanOutInput<T>): Promise<FanOut<T>> => {
  const { caller, clusters } = input;
  const targets: { readonly id: string; readonly info: ClusterInfo | null; readonly error?: unknown }[] =
    input.clusterIds === 'all'
      ? (await clusters.list(caller))
          .sort((a, b) => a.id.localeCompare(b.id))
          .map((info) => ({ id: info.id, info }))
      : await Promise.all(
          [...new Set(input.clusterIds)].map(async (id) => {
            try {
              return { id, info: await clusters.get(id, caller) };
            } catch (error) {
              return { id, info: null, error };
            }
          }),
        );
  const results: FanOutEntry<T>[] = new Array<FanOutEntry<T>>(targets.length);
  const describe = (clusterId: string, error: unknown): FanOutEntry<T> => {
    if (isKubentlyError(error)) return errorEntry(clusterId, error.code, error.message, error.details);
    input.logger.error({ err: error, clusterId }, 'fan-out: unexpected error on one cluster');
    return errorEntry(clusterId, 'internal', 'unexpected server error on this cluster; see the server log');
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const index = next;
      next += 1;
      const target = targets[index];
      if (target === undefined) return;
      if (target.info === null) {
        results[index] = describe(target.id, target.error);
      } else if (!target.info.connected) {
        results[index] = errorEntry(
          target.id,
          'executor_unavailable',
          `no executor of cluster "${target.id}" is connected; it was skipped (start its executor and retry)`,
          { clusterId: target.id },
        );
      } else {
        try {
          results[index] = { clusterId: target.id, status: 'ok', result: await input.run(target.id) };
        } catch (error) {
          results[index] = describe(target.id, error);
        }
      }
    }
  };
  const workers = Math.max(1, Math.min(input.concurrency, targets.length));
  await Promise.all(Array.from({ length: workers }, () => worker()));
  const ok = results.filter((entry) => entry.status === 'ok').length;
  return { results, summary: { clusters: results.length, ok, errors: results.length - ok } };
};
