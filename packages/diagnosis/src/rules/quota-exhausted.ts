import type { FindingDraft } from '../model/finding.js';
import { fieldEvidence } from '../util/evidence.js';
import { parseQuantity } from '../util/quantity.js';
import { refOf } from '../util/resource-ref.js';
import type { Rule } from './rule.js';

export const quotaExhaustedRule: Rule = {
  id: 'quota-exhausted',
  title: 'ResourceQuota fully used for some resource (new pods/objects of the namespace are rejected)',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    for (const quota of context.snapshot.resourcequotas ?? []) {
      const resource = refOf('ResourceQuota', quota);
      const hard = quota.status?.hard ?? quota.spec?.hard ?? {};
      const used = quota.status?.used ?? {};
      const full = Object.keys(hard)
        .filter((name) => {
          const limit = parseQuantity(hard[name]);
          const current = parseQuantity(used[name]);
          return limit !== undefined && current !== undefined && current >= limit;
        })
        .sort();
      if (full.length === 0) continue;
      const detail = full.map((name) => `${name} ${String(used[name])}/${String(hard[name])}`).join(', ');
      drafts.push({
        rule: 'quota-exhausted',
        severity: 'warning',
        resource,
        causeKey: full.join(','),
        summary: `quota exhausted: ${detail}`,
        rootCause: `ResourceQuota ${resource.name} is at its hard limit for ${detail}; anything in namespace ${resource.namespace} that needs more (new pods, rollouts' surge pods) is rejected with "exceeded quota".`,
        evidence: [
          fieldEvidence(
            resource,
            'status',
            detail,
            `kubectl describe resourcequota ${resource.name} -n ${resource.namespace}`,
          ),
        ],
        remediation:
          'Raise spec.hard, lower requests/limits of the workloads, or delete unused objects in the namespace.',
      });
    }
    return drafts;
  },
};
