import type { ClusterSnapshot } from '../snapshot/cluster-snapshot.js';
import type { ContainerStatus, Pod } from '../snapshot/kubernetes-types.js';

/** A container whose log is worth reading: it crashed, crash-loops, or exited with an error. */
export interface FailingContainer {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  /** Whether an earlier instance exists (`--previous` has something to show). */
  readonly restarted: boolean;
}

const hasFailed = (status: ContainerStatus): boolean => {
  if (status.state?.waiting?.reason === 'CrashLoopBackOff') return true;
  const current = status.state?.terminated;
  if (current !== undefined && (current.exitCode ?? 0) !== 0) return true;
  const last = status.lastState?.terminated;
  return status.ready !== true && last !== undefined && (last.exitCode ?? 0) !== 0;
};

/** Replicas of one workload crash the same way: one pod per owner and container name is enough. */
const ownerKey = (pod: Pod): string => {
  const owner = pod.metadata?.ownerReferences?.find((item) => item.controller === true);
  return owner === undefined ? `Pod/${pod.metadata?.name ?? ''}` : `${owner.kind ?? ''}/${owner.name ?? ''}`;
};

/**
 * The failing containers of a snapshot, one per owner and container name, most restarted first
 * (then by namespace, pod and container, so the choice is deterministic), at most `max`.
 */
export const failingContainers = (snapshot: ClusterSnapshot, max: number): FailingContainer[] => {
  const candidates: (FailingContainer & { readonly key: string; readonly restarts: number })[] = [];
  for (const pod of snapshot.pods ?? []) {
    const namespace = pod.metadata?.namespace;
    const name = pod.metadata?.name;
    if (namespace === undefined || name === undefined) continue;
    const all = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    for (const status of all) {
      if (status.name === undefined || !hasFailed(status)) continue;
      const restarts = status.restartCount ?? 0;
      candidates.push({
        key: `${namespace}/${ownerKey(pod)}/${status.name}`,
        namespace,
        pod: name,
        container: status.name,
        restarted: restarts > 0 || status.lastState?.terminated !== undefined,
        restarts,
      });
    }
  }
  candidates.sort(
    (left, right) =>
      right.restarts - left.restarts ||
      left.namespace.localeCompare(right.namespace) ||
      left.pod.localeCompare(right.pod) ||
      left.container.localeCompare(right.container),
  );
  const seen = new Set<string>();
  const chosen: FailingContainer[] = [];
  for (const { key, namespace, pod, container, restarted } of candidates) {
    if (seen.has(key)) continue;
    seen.add(key);
    chosen.push({ namespace, pod, container, restarted });
    if (chosen.length >= max) break;
  }
  return chosen;
};
