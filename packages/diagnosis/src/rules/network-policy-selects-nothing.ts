import type { FindingDraft } from '../model/finding.js';
import { absenceEvidence } from '../util/evidence.js';
import { kubectlList } from '../util/kubectl.js';
import { formatSelector, matchesSelector } from '../util/label-selector.js';
import { refOf } from '../util/resource-ref.js';
import type { Rule } from './rule.js';

export const networkPolicySelectsNothingRule: Rule = {
  id: 'network-policy-selects-nothing',
  title: 'NetworkPolicy whose podSelector matches no pod (likely a label typo; it protects nothing)',
  run: (context) => {
    if (!context.has('pods')) return [];
    const drafts: FindingDraft[] = [];
    for (const policy of context.snapshot.networkpolicies ?? []) {
      const selector = policy.spec?.podSelector ?? {};
      const isEmpty =
        Object.keys(selector.matchLabels ?? {}).length === 0 &&
        (selector.matchExpressions ?? []).length === 0;
      if (isEmpty) continue;
      const resource = refOf('NetworkPolicy', policy);
      if (context.pods(resource.namespace).some((pod) => matchesSelector(selector, pod.metadata?.labels)))
        continue;
      const text = formatSelector(selector);
      drafts.push({
        rule: 'network-policy-selects-nothing',
        severity: 'info',
        resource,
        causeKey: 'no-pods',
        summary: `podSelector ${text} matches no pod`,
        rootCause: `No pod in namespace ${resource.namespace} has labels ${text}, so this policy has no effect.`,
        evidence: [
          absenceEvidence(
            resource,
            `no pod matches ${text}`,
            kubectlList('pods', resource.namespace, `-l ${text}`),
          ),
        ],
        remediation: 'Fix the podSelector to the labels of the pods it should protect, or delete the policy.',
      });
    }
    return drafts;
  },
};
