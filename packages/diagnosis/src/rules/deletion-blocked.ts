import type { FindingDraft } from '../model/finding.js';
import type { KubeObject } from '../snapshot/kubernetes-types.js';
import { fieldEvidence } from '../util/evidence.js';
import { ageSeconds, formatAge } from '../util/pod-status.js';
import { refOf } from '../util/resource-ref.js';
import type { Rule } from './rule.js';

/** Deletions that take longer than this are stuck, not slow. */
const stuckAfterSeconds = 300;

const finalizerHint = (finalizer: string): string => {
  if (finalizer === 'kubernetes.io/pvc-protection') return 'a pod still mounts the claim';
  if (finalizer === 'kubernetes.io/pv-protection') return 'the volume is still bound to a claim';
  if (finalizer.startsWith('foregroundDeletion')) return 'dependents are still being deleted';
  return `the controller owning "${finalizer}" has not removed it (controller down or uninstalled)`;
};

export const deletionBlockedRule: Rule = {
  id: 'deletion-blocked',
  title: 'Object stuck Terminating: deletion requested long ago, finalizers not removed',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    const snapshot = context.snapshot;
    const lists: [string, readonly KubeObject[] | undefined][] = [
      ['Pod', snapshot.pods],
      ['PersistentVolumeClaim', snapshot.pvcs],
      ['PersistentVolume', snapshot.pvs],
      ['Deployment', snapshot.deployments],
      ['StatefulSet', snapshot.statefulsets],
      ['DaemonSet', snapshot.daemonsets],
      ['ReplicaSet', snapshot.replicasets],
      ['Job', snapshot.jobs],
      ['Service', snapshot.services],
      ['Ingress', snapshot.ingresses],
    ];
    for (const [kind, items] of lists) {
      for (const object of items ?? []) {
        const age = ageSeconds(object.metadata?.deletionTimestamp, context.now);
        if (age === undefined || age < stuckAfterSeconds) continue;
        const finalizers = object.metadata?.finalizers ?? [];
        const resource = refOf(kind, object);
        const isPod = kind === 'Pod';
        if (finalizers.length === 0 && !isPod) continue;
        drafts.push({
          rule: 'deletion-blocked',
          severity: 'warning',
          resource,
          causeKey: finalizers.join(',') || 'terminating',
          summary: `stuck Terminating for ${formatAge(age)}${finalizers.length === 0 ? '' : ` (finalizers: ${finalizers.join(', ')})`}`,
          rootCause:
            finalizers.length === 0
              ? `Deletion was requested ${formatAge(age)} ago but the pod is still there: its node is unreachable or the kubelet cannot stop the containers.`
              : `Deletion was requested ${formatAge(age)} ago but finalizers remain: ${finalizers.map((item) => `${item} (${finalizerHint(item)})`).join('; ')}.`,
          evidence: [
            fieldEvidence(resource, 'metadata.deletionTimestamp', object.metadata?.deletionTimestamp ?? ''),
            fieldEvidence(resource, 'metadata.finalizers', finalizers.join(', ') || '<none>'),
          ],
          remediation:
            finalizers.length === 0
              ? 'Check the node; if it is gone for good, force-delete the pod (`--grace-period=0 --force`) knowing its process may still run.'
              : 'Fix or reinstall the controller that owns the finalizer; remove the finalizer by hand only once its cleanup is known to be done.',
        });
      }
    }
    return drafts;
  },
};
