import type { Finding, FindingDraft, Severity } from '../model/finding.js';
import { severityRank } from '../model/finding.js';
import { refKey } from '../util/resource-ref.js';

export interface IdentifiedDraft {
  readonly id: string;
  readonly draft: FindingDraft;
}

const subjectsOf = (draft: FindingDraft): Set<string> =>
  new Set([refKey(draft.resource), ...(draft.affected ?? []).map(refKey)]);

const indexBySubject = (items: readonly IdentifiedDraft[]): Map<string, IdentifiedDraft[]> => {
  const bySubject = new Map<string, IdentifiedDraft[]>();
  for (const item of items) {
    for (const subject of subjectsOf(item.draft)) {
      const list = bySubject.get(subject);
      if (list === undefined) bySubject.set(subject, [item]);
      else list.push(item);
    }
  }
  return bySubject;
};

/**
 * Turns `suspects` (and their reverse, `explains`) into causal edges: a finding on (or covering) a
 * suspected object explains the finding that suspects it. Advisory (info) findings never explain
 * others, and an edge that would close a cycle is dropped, so the result is a DAG whose roots are
 * the root causes.
 *
 * Severity follows impact: a finding is at least as severe as the most severe finding it explains,
 * directly or not (a warning-level exhausted quota that stops every replica of a Deployment is the
 * critical cause of that outage), so root causes are ranked by what they break.
 */
export const linkCauses = (items: readonly IdentifiedDraft[]): Finding[] => {
  const bySubject = indexBySubject(items);
  const causes = new Map<string, Set<string>>();
  const causedBy = new Map<string, Set<string>>();
  for (const item of items) {
    causes.set(item.id, new Set());
    causedBy.set(item.id, new Set());
  }

  const reaches = (from: string, target: string): boolean => {
    const stack = [from];
    const visited = new Set<string>();
    while (stack.length > 0) {
      const current = stack.pop() ?? '';
      if (current === target) return true;
      if (visited.has(current)) continue;
      visited.add(current);
      for (const next of causes.get(current) ?? []) stack.push(next);
    }
    return false;
  };

  const link = (
    cause: IdentifiedDraft,
    symptom: IdentifiedDraft,
    rules: readonly string[] | undefined,
  ): void => {
    if (cause.draft.severity === 'info' || cause.id === symptom.id) return;
    if (causes.get(cause.id)?.has(symptom.id) === true) return;
    if (rules !== undefined && !rules.includes(cause.draft.rule)) return;
    if (reaches(symptom.id, cause.id)) return;
    causes.get(cause.id)?.add(symptom.id);
    causedBy.get(symptom.id)?.add(cause.id);
  };

  for (const symptom of items) {
    for (const suspect of symptom.draft.suspects ?? []) {
      for (const cause of bySubject.get(refKey(suspect)) ?? []) link(cause, symptom, suspect.rules);
    }
  }
  for (const cause of items) {
    for (const target of cause.draft.explains ?? []) {
      for (const symptom of bySubject.get(refKey(target)) ?? []) {
        if (target.rules === undefined || target.rules.includes(symptom.draft.rule))
          link(cause, symptom, undefined);
      }
    }
  }

  const effective = effectiveSeverities(items, causes);
  return items.map(({ id, draft }) => ({
    id,
    rule: draft.rule,
    category: 'incident',
    severity: effective.get(id) ?? draft.severity,
    resource: draft.resource,
    summary: draft.summary,
    rootCause: draft.rootCause,
    evidence: draft.evidence,
    remediation: draft.remediation,
    affected: draft.affected ?? [],
    causes: [...(causes.get(id) ?? [])].sort(),
    causedBy: [...(causedBy.get(id) ?? [])].sort(),
  }));
};

/** Each finding's own severity raised to the most severe finding below it in the DAG. */
const effectiveSeverities = (
  items: readonly IdentifiedDraft[],
  causes: ReadonlyMap<string, ReadonlySet<string>>,
): Map<string, Severity> => {
  const own = new Map(items.map(({ id, draft }) => [id, draft.severity]));
  const effective = new Map<string, Severity>();
  const visit = (id: string): Severity => {
    const known = effective.get(id);
    if (known !== undefined) return known;
    let severity = own.get(id) ?? 'info';
    effective.set(id, severity);
    for (const child of causes.get(id) ?? []) {
      const below = visit(child);
      if (severityRank[below] < severityRank[severity]) severity = below;
    }
    effective.set(id, severity);
    return severity;
  };
  for (const { id } of items) visit(id);
  return effective;
};
