import type { FindingDraft } from '../model/finding.js';
import type { Rule } from '../rules/rule.js';
import { listNames } from '../util/text.js';
import { containerEvidence, postureTemplates, workloadName } from './template-containers.js';

const resources = ['memory', 'cpu'] as const;

/**
 * Containers without a memory or CPU limit, after the defaults a LimitRange of the namespace gives
 * (admission fills them in). Without a memory limit one leaking container can push its node into
 * memory pressure and get its neighbours evicted.
 */
export const postureMissingLimitsRule: Rule = {
  id: 'posture-missing-limits',
  title: 'Container without a memory or CPU limit (and no LimitRange default)',
  category: 'posture',
  run: (context) => {
    // A LimitRange default would fill the limits in at admission; without the list, stay silent.
    if (!context.has('limitranges')) return [];
    const defaults = new Map<string, Set<string>>();
    for (const range of context.snapshot.limitranges ?? []) {
      const namespace = range.metadata?.namespace ?? '';
      const set = defaults.get(namespace) ?? new Set<string>();
      for (const item of range.spec?.limits ?? []) {
        if (item.type !== 'Container') continue;
        for (const name of resources) if (item.default?.[name] !== undefined) set.add(name);
      }
      defaults.set(namespace, set);
    }
    return postureTemplates(context).flatMap((template): FindingDraft[] => {
      const defaulted = defaults.get(template.workload.namespace) ?? new Set<string>();
      const offenders = template.containers.flatMap((container) => {
        const limits = container.container.resources?.limits ?? {};
        const missing = resources.filter((name) => limits[name] === undefined && !defaulted.has(name));
        return missing.length === 0 ? [] : [{ container, missing }];
      });
      if (offenders.length === 0) return [];
      const described = offenders.map(
        ({ container, missing }) => `${container.name} (${missing.join(', ')})`,
      );
      const noMemory = offenders.some(({ missing }) => missing.includes('memory'));
      return [
        {
          rule: 'posture-missing-limits',
          severity: 'info',
          resource: template.workload,
          causeKey: described.join(','),
          summary: `${workloadName(template.workload)} has no resource limits on ${listNames(described)}`,
          rootCause: `${listNames(described)} ${offenders.length === 1 ? 'has' : 'have'} no limit for the resources named and the namespace has no LimitRange default for them${noMemory ? '; without a memory limit a leak grows until the node runs out of memory and the kubelet evicts or OOM-kills neighbouring pods' : '; without a CPU limit a busy container can starve its neighbours of CPU they did not request'}.`,
          evidence: containerEvidence(
            template,
            offenders.map(({ container, missing }) => ({
              container,
              field: 'resources.limits',
              value: `no ${missing.join(' or ')} limit`,
            })),
          ),
          remediation: `Set \`resources.limits.memory\` (and a CPU limit where bursts must be bounded) from observed usage (\`kubectl top pod -n ${template.workload.namespace}\`), or give the namespace a LimitRange with default limits.`,
        },
      ];
    });
  },
};
