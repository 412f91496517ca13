import type { FindingDraft } from '../model/finding.js';
import { fieldEvidence } from '../util/evidence.js';
import { refOf } from '../util/resource-ref.js';
import type { Rule } from './rule.js';
import { workloadSuspects } from './workload-suspects.js';

export const daemonSetUnavailableRule: Rule = {
  id: 'daemonset-unavailable',
  title: 'DaemonSet pods not ready on every eligible node, or running where they should not',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    for (const set of context.snapshot.daemonsets ?? []) {
      const resource = refOf('DaemonSet', set);
      const desired = set.status?.desiredNumberScheduled ?? 0;
      const ready = set.status?.numberReady ?? 0;
      const misscheduled = set.status?.numberMisscheduled ?? 0;
      if (desired > 0 && ready < desired) {
        drafts.push({
          rule: 'daemonset-unavailable',
          severity: ready === 0 ? 'critical' : 'warning',
          resource,
          causeKey: 'unavailable',
          summary: `${ready}/${desired} daemon pods ready`,
          rootCause: `${desired - ready} of ${desired} nodes that should run this DaemonSet have no ready pod.`,
          evidence: [fieldEvidence(resource, 'status.numberReady', `${ready} (desired ${desired})`)],
          remediation:
            'Fix the failing daemon pods (linked below); node-level agents often fail on specific nodes (taints, kernel, host paths).',
          suspects: workloadSuspects(context, resource),
        });
      }
      if (misscheduled > 0) {
        drafts.push({
          rule: 'daemonset-unavailable',
          severity: 'info',
          resource,
          causeKey: 'misscheduled',
          summary: `${misscheduled} daemon pods run on nodes they should not`,
          rootCause:
            'Node labels or taints changed after the pods were placed, so some pods run where the nodeSelector/affinity no longer allows.',
          evidence: [fieldEvidence(resource, 'status.numberMisscheduled', String(misscheduled))],
          remediation:
            'Check the DaemonSet nodeSelector/affinity against the node labels; the controller removes misscheduled pods once consistent.',
        });
      }
    }
    return drafts;
  },
};
