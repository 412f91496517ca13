import type { FindingDraft, ResourceRef } from '../model/finding.js';
import type { LimitRange } from '../snapshot/kubernetes-types.js';
import { fieldEvidence } from '../util/evidence.js';
import { parseQuantity } from '../util/quantity.js';
import { refOf } from '../util/resource-ref.js';
import { listNames } from '../util/text.js';
import type { Rule } from './rule.js';
import { templateImpact } from './template-impact.js';

/**
 * Checks each container's requests/limits against the namespace LimitRanges (type Container) the way
 * admission does, so the violation is reported as the cause instead of a bare FailedCreate.
 */
export const limitRangeViolationRule: Rule = {
  id: 'limitrange-violation',
  title: 'Pod template requests/limits outside a LimitRange min/max (admission rejects its pods)',
  run: (context) => {
    const ranges = context.snapshot.limitranges ?? [];
    if (ranges.length === 0) return [];
    const violations = new Map<string, { range: LimitRange; users: ResourceRef[]; problems: Set<string> }>();
    for (const { workload, template } of context.workloadTemplates()) {
      for (const range of ranges) {
        if (range.metadata?.namespace !== workload.namespace) continue;
        for (const item of range.spec?.limits ?? []) {
          if (item.type !== 'Container') continue;
          for (const container of template.spec?.containers ?? []) {
            for (const [name, maximum] of Object.entries(item.max ?? {})) {
              const limit = container.resources?.limits?.[name] ?? item.default?.[name];
              const value = parseQuantity(limit);
              const max = parseQuantity(maximum);
              if (value !== undefined && max !== undefined && value > max) {
                add(
                  violations,
                  range,
                  workload,
                  `container ${container.name ?? ''} ${name} limit ${String(limit)} > max ${String(maximum)}`,
                );
              }
            }
            for (const [name, minimum] of Object.entries(item.min ?? {})) {
              const request = container.resources?.requests?.[name] ?? item.defaultRequest?.[name];
              const value = parseQuantity(request);
              const min = parseQuantity(minimum);
              if (value !== undefined && min !== undefined && value < min) {
                add(
                  violations,
                  range,
                  workload,
                  `container ${container.name ?? ''} ${name} request ${String(request)} < min ${String(minimum)}`,
                );
              }
            }
          }
        }
      }
    }
    return [...violations.values()].map(({ range, users, problems }): FindingDraft => {
      const resource = refOf('LimitRange', range);
      const list = [...problems].sort();
      return {
        rule: 'limitrange-violation',
        severity: templateImpact(context, users),
        resource,
        causeKey: users
          .map((user) => `${user.kind}/${user.name}`)
          .sort()
          .join(','),
        summary: `rejects pods of ${listNames(users.map((user) => `${user.kind.toLowerCase()}/${user.name}`))}: ${listNames(list, 2)}`,
        rootCause: `LimitRange ${resource.name} allows per container ${JSON.stringify(range.spec?.limits?.find((item) => item.type === 'Container')?.max ?? {})} max / ${JSON.stringify(range.spec?.limits?.find((item) => item.type === 'Container')?.min ?? {})} min; ${listNames(list, 4)}, so admission rejects these pods.`,
        evidence: [
          fieldEvidence(
            resource,
            'spec.limits',
            list.join('; '),
            `kubectl describe limitrange ${resource.name} -n ${resource.namespace}`,
          ),
        ],
        remediation: 'Bring the container resources inside the LimitRange bounds, or change the LimitRange.',
        affected: users,
      };
    });
  },
};

const add = (
  violations: Map<string, { range: LimitRange; users: ResourceRef[]; problems: Set<string> }>,
  range: LimitRange,
  workload: ResourceRef,
  problem: string,
): void => {
  const key = `${range.metadata?.namespace ?? ''}/${range.metadata?.name ?? ''}`;
  const entry = violations.get(key) ?? { range, users: [], problems: new Set<string>() };
  if (!entry.users.some((user) => user.kind === workload.kind && user.name === workload.name))
    entry.users.push(workload);
  entry.problems.add(`${workload.kind.toLowerCase()}/${workload.name} ${problem}`);
  violations.set(key, entry);
};
