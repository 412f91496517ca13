import type { FindingDraft } from '../model/finding.js';
import type { Rule } from '../rules/rule.js';
import { containerEvidence, containerList, postureTemplates, workloadName } from './template-containers.js';
import type { PostureContainer } from './template-containers.js';

/** Capabilities that amount to root on the node. */
const hostRootCapabilities = new Set(['ALL', 'SYS_ADMIN', 'CAP_SYS_ADMIN']);

const weaknessOf = (entry: PostureContainer): { field: string; value: string } | undefined => {
  const context = entry.container.securityContext;
  if (context?.privileged === true) return { field: 'securityContext.privileged', value: 'true' };
  const added = (context?.capabilities?.add ?? []).filter((name) =>
    hostRootCapabilities.has(name.toUpperCase()),
  );
  if (added.length > 0) return { field: 'securityContext.capabilities.add', value: added.join(', ') };
  return undefined;
};

export const posturePrivilegedContainerRule: Rule = {
  id: 'posture-privileged-container',
  title: 'Container runs privileged, or adds SYS_ADMIN or ALL capabilities (root on the node)',
  category: 'posture',
  run: (context) =>
    postureTemplates(context).flatMap((template): FindingDraft[] => {
      const offenders = template.containers.flatMap((container) => {
        const weakness = weaknessOf(container);
        return weakness === undefined ? [] : [{ container, ...weakness }];
      });
      if (offenders.length === 0) return [];
      const names = offenders.map((item) => item.container.name);
      return [
        {
          rule: 'posture-privileged-container',
          severity: 'warning',
          resource: template.workload,
          causeKey: names.join(','),
          summary: `${workloadName(template.workload)} runs ${containerList(names)} privileged`,
          rootCause: `${containerList(names)} of ${workloadName(template.workload)} ${names.length === 1 ? 'runs' : 'run'} with \`privileged: true\` or the SYS_ADMIN/ALL capability: the process gets the host's devices and every kernel capability, so whoever compromises it controls the node and every pod on it.`,
          evidence: containerEvidence(template, offenders),
          remediation:
            'Remove `privileged: true` and the SYS_ADMIN/ALL capabilities; add only the capabilities the process needs (`securityContext.capabilities.add`), and enforce the Pod Security "baseline" level on the namespace (`kubectl label namespace <ns> pod-security.kubernetes.io/enforce=baseline`).',
        },
      ];
    }),
};
