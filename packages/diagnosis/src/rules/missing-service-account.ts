import type { FindingDraft, ResourceRef } from '../model/finding.js';
import { absenceEvidence } from '../util/evidence.js';
import { kubectlList } from '../util/kubectl.js';
import { ref } from '../util/resource-ref.js';
import { listNames } from '../util/text.js';
import type { Rule } from './rule.js';
import { templateImpact } from './template-impact.js';

export const missingServiceAccountRule: Rule = {
  id: 'missing-service-account',
  title: 'Pod template names a ServiceAccount that does not exist (admission rejects every pod)',
  run: (context) => {
    if (!context.has('serviceaccounts')) return [];
    const missing = new Map<string, { account: ResourceRef; users: ResourceRef[] }>();
    for (const { workload, template } of context.workloadTemplates()) {
      if (workload.kind === 'Pod' || !context.sees(workload.namespace)) continue;
      const name = template.spec?.serviceAccountName ?? template.spec?.serviceAccount;
      if (name === undefined || name === '' || name === 'default') continue;
      if (context.get('ServiceAccount', workload.namespace, name) !== undefined) continue;
      const key = `${workload.namespace}/${name}`;
      const entry = missing.get(key) ?? {
        account: ref('ServiceAccount', workload.namespace, name),
        users: [],
      };
      entry.users.push(workload);
      missing.set(key, entry);
    }
    return [...missing.values()].map(({ account, users }): FindingDraft => ({
      rule: 'missing-service-account',
      severity: templateImpact(context, users),
      resource: account,
      causeKey: 'missing',
      summary: `ServiceAccount ${account.name} does not exist but ${listNames(users.map((user) => `${user.kind.toLowerCase()}/${user.name}`))} use it`,
      rootCause: `serviceAccountName "${account.name}" does not exist in namespace ${account.namespace}; the API server rejects every pod of these workloads ("error looking up service account").`,
      evidence: [
        absenceEvidence(
          account,
          `ServiceAccount ${account.name} not found`,
          kubectlList('serviceaccount', account.namespace),
        ),
      ],
      remediation: `Create it (\`kubectl create serviceaccount ${account.name} -n ${account.namespace}\`) with the RBAC the workload needs, or fix serviceAccountName.`,
      affected: users,
    }));
  },
};
