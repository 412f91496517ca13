import type { DiagnosisContext } from '../engine/diagnosis-context.js';
import type { ResourceRef, Severity } from '../model/finding.js';

/**
 * Whether a workload wants pods now: a Deployment, StatefulSet or ReplicaSet above 0 replicas, a
 * CronJob that is not suspended; DaemonSets, Jobs and bare pods always do.
 */
export const wantsPods = (context: DiagnosisContext, workload: ResourceRef): boolean => {
  const { namespace, name } = workload;
  switch (workload.kind) {
    case 'Deployment':
      return (context.get('Deployment', namespace, name)?.spec?.replicas ?? 1) > 0;
    case 'StatefulSet':
      return (context.get('StatefulSet', namespace, name)?.spec?.replicas ?? 1) > 0;
    case 'ReplicaSet':
      return (context.get('ReplicaSet', namespace, name)?.spec?.replicas ?? 1) > 0;
    case 'CronJob':
      return context.get('CronJob', namespace, name)?.spec?.suspend !== true;
    default:
      return true;
  }
};

/**
 * A broken template reference is ranked by what it breaks: `critical` while one of the workloads
 * that use it wants pods (none can start), `warning` when every one is scaled to 0 or suspended
 * (it breaks the next scale-up or run, nothing that runs today).
 */
export const templateImpact = (context: DiagnosisContext, users: readonly ResourceRef[]): Severity =>
  users.length === 0 || users.some((user) => wantsPods(context, user)) ? 'critical' : 'warning';
