import type { DiagnosisContext } from '../engine/diagnosis-context.js';
import type { ResourceRef } from '../model/finding.js';
import type { ContainerStatus, Pod } from '../snapshot/kubernetes-types.js';

/** CrashLoopBackOff's longest back-off: a loop restarts the container at least this often. */
const maxBackOffMs = 5 * 60_000;

/** Where a crash loop shows up in one container status, or undefined when it does not. */
export type CrashLoopPhase =
  /** Waiting out a back-off; the crash is in lastState. */
  | { readonly phase: 'backing-off'; readonly terminatedPath: 'lastState.terminated' }
  /** Shows its latest crash as the current state, between two back-offs. */
  | { readonly phase: 'crashed'; readonly terminatedPath: 'state.terminated' }
  /** Started again after the last crash and has not crashed yet: a loop when it backed off before. */
  | { readonly phase: 'restarted'; readonly terminatedPath: 'lastState.terminated' };

/**
 * Reads a crash loop in every phase of its cycle. A container caught running between two crashes is
 * part of the loop when it restarted at least twice, its last exit was a failure, it started within
 * the longest back-off, and either it is not ready or the kubelet has reported a back-off for the pod.
 * A container that crashed once and has run for longer than a back-off is not (container-restarting
 * reports repeated restarts of a container that stays up).
 */
export const crashLoopPhase = (
  context: DiagnosisContext,
  pod: Pod,
  podRef: ResourceRef,
  status: ContainerStatus,
): CrashLoopPhase | undefined => {
  if ((pod.spec?.restartPolicy ?? 'Always') === 'Never') {
    return status.state?.waiting?.reason === 'CrashLoopBackOff'
      ? { phase: 'backing-off', terminatedPath: 'lastState.terminated' }
      : undefined;
  }
  if (status.state?.waiting?.reason === 'CrashLoopBackOff') {
    return { phase: 'backing-off', terminatedPath: 'lastState.terminated' };
  }
  const restarts = status.restartCount ?? 0;
  const current = status.state?.terminated;
  if (current !== undefined) {
    return (current.exitCode ?? 0) !== 0 && restarts > 0
      ? { phase: 'crashed', terminatedPath: 'state.terminated' }
      : undefined;
  }
  const running = status.state?.running;
  const last = status.lastState?.terminated;
  if (running === undefined || last === undefined || restarts < 2) return undefined;
  if ((last.exitCode ?? 0) === 0) return undefined;
  const startedAt = Date.parse(running.startedAt ?? '');
  if (Number.isNaN(startedAt) || context.now - startedAt > maxBackOffMs) return undefined;
  const backedOff = context.warnings(podRef, ['BackOff']).length > 0;
  return status.ready === false || backedOff
    ? { phase: 'restarted', terminatedPath: 'lastState.terminated' }
    : undefined;
};
