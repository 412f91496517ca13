import type { Finding, FindingDraft } from '../model/finding.js';
import { refKey } from '../util/resource-ref.js';

export interface IdentifiedDraft {
  readonly id: string;
  readonly draft: FindingDraft;
}

/**
 * Turns `suspects` into causal edges: a finding on (or covering) a suspected object explains the
 * finding that suspects it. Advisory (info) findings never explain others, and an edge that would
 * close a cycle is dropped, so the result is a DAG whose roots are the root causes.
 */
export const linkCauses = (items: readonly IdentifiedDraft[]): Finding[] => {
  const bySubject = new Map<string, IdentifiedDraft[]>();
  for (const item of items) {
    if (item.draft.severity === 'info') continue;
    const subjects = new Set([refKey(item.draft.resource), ...(item.draft.affected ?? []).map(refKey)]);
    for (const subject of subjects) {
      const list = bySubject.get(subject);
      if (list === undefined) bySubject.set(subject, [item]);
      else list.push(item);
    }
  }

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

  for (const symptom of items) {
    for (const suspect of symptom.draft.suspects ?? []) {
      for (const cause of bySubject.get(refKey(suspect)) ?? []) {
        if (cause.id === symptom.id || causes.get(cause.id)?.has(symptom.id) === true) continue;
        if (suspect.rules !== undefined && !suspect.rules.includes(cause.draft.rule)) continue;
        if (reaches(symptom.id, cause.id)) continue;
        causes.get(cause.id)?.add(symptom.id);
        causedBy.get(symptom.id)?.add(cause.id);
      }
    }
  }

  return items.map(({ id, draft }) => ({
    id,
    rule: draft.rule,
    severity: draft.severity,
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
