import type { DiagnosisContext } from '../engine/diagnosis-context.js';
import type { ResourceRef, Suspect } from '../model/finding.js';
import { ref } from '../util/resource-ref.js';

/** A workload is explained by findings on its pods, its ReplicaSets and the nodes its pods run on. */
export const workloadSuspects = (context: DiagnosisContext, workload: ResourceRef): Suspect[] => {
  const suspects: Suspect[] = [];
  const nodes = new Set<string>();
  for (const pod of context.podsOf(workload)) {
    suspects.push(ref('Pod', workload.namespace, pod.metadata?.name ?? ''));
    const node = pod.spec?.nodeName;
    if (node !== undefined) nodes.add(node);
  }
  for (const node of nodes) suspects.push({ ...ref('Node', '', node), rules: ['node-not-ready'] });
  if (workload.kind === 'Deployment') {
    for (const replicaSet of context.snapshot.replicasets ?? []) {
      const owner = replicaSet.metadata?.ownerReferences?.find((item) => item.kind === 'Deployment');
      if (owner?.name === workload.name && replicaSet.metadata?.namespace === workload.namespace) {
        suspects.push(ref('ReplicaSet', workload.namespace, replicaSet.metadata.name ?? ''));
      }
    }
  }
  suspects.push({
    ...workload,
    rules: [
      'missing-config-reference',
      'missing-image-pull-secret',
      'missing-service-account',
      'missing-pvc',
      'limitrange-violation',
      'workload-create-failed',
    ],
  });
  return suspects;
};
