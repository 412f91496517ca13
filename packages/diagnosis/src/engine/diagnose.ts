import type { Finding, FindingDraft, Severity } from '../model/finding.js';
import { severityRank } from '../model/finding.js';
import type { Report } from '../model/report.js';
import { rules as defaultRules } from '../rules/index.js';
import type { Rule } from '../rules/rule.js';
import type { ClusterSnapshot } from '../snapshot/cluster-snapshot.js';
import { fingerprint } from '../util/fingerprint.js';
import { refKey } from '../util/resource-ref.js';
import { DiagnosisContext } from './diagnosis-context.js';
import { linkCauses } from './link-causes.js';
import { mergePodFindings } from './merge-pod-findings.js';

export interface DiagnoseOptions {
  /** The time ages are measured against; defaults to the snapshot's `collectedAt` (deterministic). */
  readonly now?: () => Date;
  /** Report only findings in these namespaces (cluster-scoped findings stay when they touch them). */
  readonly namespaces?: readonly string[];
  /** Drop findings below this severity; default `info` (keep all). */
  readonly minSeverity?: Severity;
  /** The rules to run; defaults to every built-in rule. */
  readonly rules?: readonly Rule[];
}

const sortKey = (finding: Finding): string =>
  `${finding.rule}\u0000${refKey(finding.resource)}\u0000${finding.id}`;

const countDescendants = (finding: Finding, byId: ReadonlyMap<string, Finding>): number => {
  const visited = new Set<string>();
  const stack = [...finding.causes];
  while (stack.length > 0) {
    const id = stack.pop() ?? '';
    if (visited.has(id)) continue;
    visited.add(id);
    stack.push(...(byId.get(id)?.causes ?? []));
  }
  return visited.size;
};

const inNamespaces = (draft: FindingDraft, namespaces: ReadonlySet<string>): boolean => {
  if (draft.resource.namespace !== '') return namespaces.has(draft.resource.namespace);
  const affected = draft.affected ?? [];
  return affected.length === 0 || affected.some((item) => namespaces.has(item.namespace));
};

/**
 * Runs every rule over the snapshot and returns root causes first, each symptom linked to what
 * explains it. Pure: same snapshot and options, same report (ids included).
 */
export const diagnose = (snapshot: ClusterSnapshot, options: DiagnoseOptions = {}): Report => {
  const now = options.now?.() ?? new Date(snapshot.collectedAt);
  const context = new DiagnosisContext(snapshot, now.getTime());
  const rules = options.rules ?? defaultRules;
  const minRank = severityRank[options.minSeverity ?? 'info'];
  const namespaceFilter = options.namespaces === undefined ? undefined : new Set(options.namespaces);

  const drafts = mergePodFindings(
    rules.flatMap((rule) => rule.run(context)),
    context,
  ).filter(
    (draft) =>
      severityRank[draft.severity] <= minRank &&
      (namespaceFilter === undefined || inNamespaces(draft, namespaceFilter)),
  );

  const unique = new Map<string, FindingDraft>();
  for (const draft of drafts) {
    const id = fingerprint(draft.rule, refKey(draft.resource), draft.causeKey);
    if (!unique.has(id)) unique.set(id, draft);
  }
  const findings = linkCauses([...unique].map(([id, draft]) => ({ id, draft })));
  const byId = new Map(findings.map((finding) => [finding.id, finding]));
  const weight = new Map(findings.map((finding) => [finding.id, countDescendants(finding, byId)]));
  const order = (left: Finding, right: Finding): number =>
    severityRank[left.severity] - severityRank[right.severity] ||
    (weight.get(right.id) ?? 0) - (weight.get(left.id) ?? 0) ||
    (sortKey(left) < sortKey(right) ? -1 : sortKey(left) > sortKey(right) ? 1 : 0);

  const roots = findings.filter((finding) => finding.causedBy.length === 0).sort(order);
  const symptoms = findings.filter((finding) => finding.causedBy.length > 0).sort(order);
  const bySeverity: Record<Severity, number> = { critical: 0, warning: 0, info: 0 };
  for (const finding of findings) bySeverity[finding.severity] += 1;

  return {
    findings: roots,
    symptoms,
    summary: {
      rootCauses: roots.length,
      symptoms: symptoms.length,
      bySeverity,
      rulesRun: rules.length,
      objectsScanned: countObjects(snapshot),
    },
    collectedAt: snapshot.collectedAt,
    generatedAt: now.toISOString(),
    namespaces: options.namespaces ?? snapshot.namespaces,
  };
};

const countObjects = (snapshot: ClusterSnapshot): number => {
  let count = 0;
  for (const value of Object.values(snapshot)) if (Array.isArray(value)) count += value.length;
  return count;
};
