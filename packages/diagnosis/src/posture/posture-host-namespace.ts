import type { FindingDraft } from '../model/finding.js';
import type { Rule } from '../rules/rule.js';
import { fieldEvidence } from '../util/evidence.js';
import { listNames } from '../util/text.js';
import { postureCommand, postureTemplates, workloadName } from './template-containers.js';

const hostNamespaces = [
  { field: 'hostNetwork', what: "the node's network (every port it listens on, other pods' traffic)" },
  { field: 'hostPID', what: "the node's processes (signals, /proc of every process)" },
  { field: 'hostIPC', what: "the node's shared memory" },
] as const;

export const postureHostNamespaceRule: Rule = {
  id: 'posture-host-namespace',
  title: "Pod shares the node's network, process or IPC namespace",
  category: 'posture',
  run: (context) =>
    postureTemplates(context).flatMap((template): FindingDraft[] => {
      const shared = hostNamespaces.filter(({ field }) => template.spec[field] === true);
      if (shared.length === 0) return [];
      const fields = shared.map(({ field }) => field);
      return [
        {
          rule: 'posture-host-namespace',
          severity: 'warning',
          resource: template.workload,
          causeKey: fields.join(','),
          summary: `${workloadName(template.workload)} uses the node's namespaces: ${fields.join(', ')}`,
          rootCause: `${workloadName(template.workload)} sets ${listNames(fields.map((field) => `${field}: true`))}, so its pods see ${listNames(shared.map(({ what }) => what))}; a compromised pod can reach what NetworkPolicies and pod isolation normally keep from it.`,
          evidence: shared.map(({ field }) =>
            fieldEvidence(
              template.workload,
              `${template.specPath}.${field}`,
              'true',
              postureCommand(template, field),
            ),
          ),
          remediation: `Remove ${fields.join(', ')} unless the pod is a node agent that needs them (CNI, node exporter); expose ports through a Service instead of hostNetwork, and enforce the Pod Security "baseline" level on the namespace.`,
        },
      ];
    }),
};
