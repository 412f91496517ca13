import type { FindingDraft, ResourceRef } from '../model/finding.js';
import type { Rule } from '../rules/rule.js';
import { fieldEvidence } from '../util/evidence.js';
import { kubectlField } from '../util/kubectl.js';
import { ref } from '../util/resource-ref.js';
import { listNames } from '../util/text.js';
import { postureCommand, postureTemplates, workloadName } from './template-containers.js';
import type { PostureTemplate } from './template-containers.js';

/**
 * Pods that run as their namespace's `default` ServiceAccount and get its token mounted (neither
 * the pod spec nor the ServiceAccount sets `automountServiceAccountToken: false`). One finding per
 * namespace, on the ServiceAccount, since turning automount off there fixes every workload at once.
 * Silent when ServiceAccounts were not collected: the account's own setting decides.
 */
export const postureDefaultTokenAutomountRule: Rule = {
  id: 'posture-default-token-automount',
  title: "Pods mount the token of their namespace's default ServiceAccount",
  category: 'posture',
  run: (context) => {
    if (!context.has('serviceaccounts')) return [];
    const byNamespace = new Map<string, PostureTemplate[]>();
    for (const template of postureTemplates(context)) {
      const account = template.spec.serviceAccountName ?? template.spec.serviceAccount ?? 'default';
      if (account !== '' && account !== 'default') continue;
      const { namespace } = template.workload;
      const own = template.spec.automountServiceAccountToken;
      const inherited = context.get('ServiceAccount', namespace, 'default')?.automountServiceAccountToken;
      if (own === false || (own === undefined && inherited === false)) continue;
      // The API server creates `default` in every namespace; without it no pod is admitted at all.
      if (context.get('ServiceAccount', namespace, 'default') === undefined) continue;
      const list = byNamespace.get(namespace) ?? [];
      list.push(template);
      byNamespace.set(namespace, list);
    }
    return [...byNamespace].map(([namespace, templates]): FindingDraft => {
      const account: ResourceRef = ref('ServiceAccount', namespace, 'default');
      const workloads: ResourceRef[] = templates.map(({ workload }) => workload);
      const first = templates[0];
      return {
        rule: 'posture-default-token-automount',
        severity: 'info',
        resource: account,
        causeKey: 'automount',
        summary: `${listNames(workloads.map(workloadName))} ${workloads.length === 1 ? 'mounts' : 'mount'} the token of ServiceAccount default`,
        rootCause: `These pods run as the namespace's default ServiceAccount and neither they nor the account set \`automountServiceAccountToken: false\`, so every container holds an API token it does not need; whatever RoleBinding is ever granted to "default" is granted to all of them, and a compromised container can call the API server with it.`,
        evidence: [
          fieldEvidence(
            account,
            'automountServiceAccountToken',
            'not set (defaults to true)',
            kubectlField(account, 'automountServiceAccountToken'),
          ),
          ...(first === undefined
            ? []
            : [
                fieldEvidence(
                  first.workload,
                  `${first.specPath}.automountServiceAccountToken`,
                  first.spec.automountServiceAccountToken === true ? 'true' : 'not set',
                  postureCommand(first, 'automountServiceAccountToken'),
                ),
              ]),
        ],
        remediation: `Set \`automountServiceAccountToken: false\` on ServiceAccount default (\`kubectl patch serviceaccount default -n ${namespace} -p '{"automountServiceAccountToken":false}'\`), and give a workload that calls the API a ServiceAccount of its own with only the RBAC it needs.`,
        affected: workloads,
      };
    });
  },
};
