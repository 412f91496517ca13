import type { FindingDraft } from '../model/finding.js';
import { fieldEvidence } from '../util/evidence.js';
import { formatSelector, matchesSelector } from '../util/label-selector.js';
import { condition, isPodReady } from '../util/pod-status.js';
import { refOf } from '../util/resource-ref.js';
import type { Rule } from './rule.js';

export const pdbBlockingDisruptionsRule: Rule = {
  id: 'pdb-blocking-disruptions',
  title: 'PodDisruptionBudget allows zero disruptions (node drains and upgrades hang), or selects no pods',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    for (const pdb of context.snapshot.pdbs ?? []) {
      const resource = refOf('PodDisruptionBudget', pdb);
      const status = pdb.status ?? {};
      const expected = status.expectedPods ?? 0;
      const selector = formatSelector(pdb.spec?.selector);
      if (expected === 0) {
        drafts.push({
          rule: 'pdb-blocking-disruptions',
          severity: 'info',
          resource,
          causeKey: 'no-pods',
          summary: `selector ${selector} matches no pods`,
          rootCause: 'The budget protects nothing: its selector matches no pod (typo or removed workload).',
          evidence: [fieldEvidence(resource, 'status.expectedPods', '0')],
          remediation: 'Fix spec.selector to the workload labels or delete the PodDisruptionBudget.',
        });
        continue;
      }
      const allowed = condition(status.conditions, 'DisruptionAllowed');
      if ((status.disruptionsAllowed ?? 0) > 0 && allowed?.status !== 'False') continue;
      const unhealthy = (status.currentHealthy ?? 0) < (status.desiredHealthy ?? 0);
      drafts.push({
        rule: 'pdb-blocking-disruptions',
        severity: 'warning',
        resource,
        causeKey: unhealthy ? 'insufficient-healthy' : 'zero-budget',
        summary: `allows 0 disruptions (${status.currentHealthy ?? 0} healthy, ${status.desiredHealthy ?? 0} required)`,
        rootCause: unhealthy
          ? `Fewer pods are healthy (${status.currentHealthy ?? 0}) than the budget requires (${status.desiredHealthy ?? 0}); every eviction is refused, so drains and upgrades hang.`
          : `minAvailable/maxUnavailable (${String(pdb.spec?.minAvailable ?? pdb.spec?.maxUnavailable ?? '?')}) leaves no room for any eviction of the ${expected} pods; node drains hang.`,
        evidence: [
          fieldEvidence(
            resource,
            'status',
            `disruptionsAllowed=${status.disruptionsAllowed ?? 0} currentHealthy=${status.currentHealthy ?? 0} desiredHealthy=${status.desiredHealthy ?? 0} expectedPods=${expected}`,
          ),
        ],
        remediation: unhealthy
          ? 'Fix the unhealthy pods first (linked causes); the budget frees up by itself.'
          : 'Allow at least one disruption (maxUnavailable: 1, or minAvailable below the replica count) and run more replicas.',
        suspects: unhealthy
          ? context
              .pods(resource.namespace)
              .filter((pod) => matchesSelector(pdb.spec?.selector, pod.metadata?.labels) && !isPodReady(pod))
              .map((pod) => refOf('Pod', pod))
          : [],
      });
    }
    return drafts;
  },
};
