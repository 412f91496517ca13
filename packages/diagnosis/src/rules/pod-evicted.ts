import type { FindingDraft } from '../model/finding.js';
import { fieldEvidence } from '../util/evidence.js';
import { ref, refOf } from '../util/resource-ref.js';
import { oneLine } from '../util/text.js';
import type { Rule } from './rule.js';

export const podEvictedRule: Rule = {
  id: 'pod-evicted',
  title: 'Pod evicted by the kubelet (node memory/disk/PID pressure or ephemeral-storage limit)',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    for (const pod of context.snapshot.pods ?? []) {
      if (pod.status?.reason !== 'Evicted') continue;
      const podRef = refOf('Pod', pod);
      const message = pod.status.message ?? '';
      const resource =
        /low on resource: ([\w-]+)/.exec(message)?.[1] ??
        (/ephemeral local storage|ephemeral-storage/.test(message) ? 'ephemeral-storage' : 'resources');
      const node = pod.spec?.nodeName;
      drafts.push({
        rule: 'pod-evicted',
        severity: 'warning',
        resource: podRef,
        causeKey: resource,
        summary: `pod was evicted (node low on ${resource})`,
        rootCause: `The kubelet${node === undefined ? '' : ` on node ${node}`} evicted the pod: "${oneLine(message, 240)}".`,
        evidence: [
          fieldEvidence(podRef, 'status.reason', 'Evicted'),
          fieldEvidence(podRef, 'status.message', message),
        ],
        remediation:
          'Set requests/limits so the pod is not the first to go under pressure, fix what fills the node (logs, emptyDir, image cache), ' +
          `and delete the evicted pod objects (\`kubectl get pods -n ${podRef.namespace} --field-selector status.phase=Failed\`).`,
        suspects: node === undefined ? [] : [{ ...ref('Node', '', node), rules: ['node-pressure'] }],
      });
    }
    return drafts;
  },
};
