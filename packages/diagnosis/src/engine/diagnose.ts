import type { DiagnosisInclude, Finding, FindingDraft, Severity } from '../model/finding.js';
import { severityRank } from '../model/finding.js';
import type { Report } from '../model/report.js';
import { postureRules } from '../posture/index.js';
import { rules as incidentRules } from '../rules/index.js';
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
  /** The rules to run; defaults to every built-in rule (incident and posture). */
  readonly rules?: readonly Rule[];
  /**
   * Opt-in categories. `posture` runs the rules whose category is `posture` (privileged containers,
   * host namespaces, plain-text secrets in env...); without it they do not run at all.
   */
  readonly include?: readonly DiagnosisInclude[];
}

const defaultRules: readonly Rule[] = [...incidentRules, ...postureRules];

/** A posture finding breaks nothing today: it never explains an incident and stays below critical. */
const postureFinding = (id: string, draft: FindingDraft): Finding => ({
  id,
  rule: draft.rule,
  category: 'posture',
  severity: draft.severity === 'critical' ? 'warning' : draft.severity,
  resource: draft.resource,
  summary: draft.summary,
  rootCause: draft.rootCause,
  evidence: draft.evidence,
  remediation: draft.remediation,
  affected: draft.affected ?? [],
  causes: [],
  causedBy: [],
});

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

/**
 * Which findings a namespace filter keeps: namespaced findings in the namespaces; cluster-scoped
 * findings that cover something there (`affected`), that explain a kept finding, or that cover
 * nothing in particular (a second default StorageClass matters to every namespace). A Node finding
 * is about the pods it strands or keeps off, so a NotReady node with nothing of these namespaces on
 * it is left out.
 */
const keptInNamespaces = (findings: readonly Finding[], namespaces: ReadonlySet<string>): Set<string> => {
  const kept = new Set<string>();
  for (const finding of findings) {
    const { resource, affected } = finding;
    if (resource.namespace !== '') {
      if (namespaces.has(resource.namespace)) kept.add(finding.id);
    } else if (affected.some((item) => namespaces.has(item.namespace))) kept.add(finding.id);
    else if (affected.length === 0 && resource.kind !== 'Node') kept.add(finding.id);
  }
  const byId = new Map(findings.map((finding) => [finding.id, finding]));
  const stack = [...kept];
  while (stack.length > 0) {
    for (const causeId of byId.get(stack.pop() ?? '')?.causedBy ?? []) {
      const cause = byId.get(causeId);
      if (cause === undefined || kept.has(causeId) || cause.resource.namespace !== '') continue;
      kept.add(causeId);
      stack.push(causeId);
    }
  }
  return kept;
};

/**
 * Runs every rule over the snapshot and returns root causes first, each symptom linked to what
 * explains it. Pure: same snapshot and options, same report (ids included).
 */
export const diagnose = (snapshot: ClusterSnapshot, options: DiagnoseOptions = {}): Report => {
  const now = options.now?.() ?? new Date(snapshot.collectedAt);
  const context = new DiagnosisContext(snapshot, now.getTime());
  const included = new Set<string>(options.include ?? []);
  const rules = (options.rules ?? defaultRules).filter(
    (rule) => rule.category === undefined || rule.category === 'incident' || included.has(rule.category),
  );
  const postureIds = new Set(rules.filter((rule) => rule.category === 'posture').map((rule) => rule.id));
  const minRank = severityRank[options.minSeverity ?? 'info'];
  const namespaceFilter = options.namespaces === undefined ? undefined : new Set(options.namespaces);

  const drafts = mergePodFindings(
    rules.flatMap((rule) => rule.run(context)),
    context,
  );

  const unique = new Map<string, FindingDraft>();
  for (const draft of drafts) {
    const id = fingerprint(draft.rule, refKey(draft.resource), draft.causeKey);
    if (!unique.has(id)) unique.set(id, draft);
  }
  // Linked across the whole snapshot first, so a cluster-scoped cause (a node) of a finding in the
  // namespaces is known before the filter; links to findings the filter drops are cut.
  // Severity is filtered after linking, since linking raises a cause to the severity of what it
  // breaks; a kept finding's causes are never less severe than it, so no kept symptom loses its root.
  // Posture findings stay out of the causal graph: a privileged container explains no outage.
  const entries = [...unique].map(([id, draft]) => ({ id, draft }));
  const linked = [
    ...linkCauses(entries.filter(({ draft }) => !postureIds.has(draft.rule))),
    ...entries
      .filter(({ draft }) => postureIds.has(draft.rule))
      .map(({ id, draft }) => postureFinding(id, draft)),
  ].filter((finding) => severityRank[finding.severity] <= minRank);
  const kept =
    namespaceFilter === undefined
      ? new Set(linked.map((finding) => finding.id))
      : keptInNamespaces(linked, namespaceFilter);
  const findings = linked
    .filter((finding) => kept.has(finding.id))
    .map((finding) => ({
      ...finding,
      causes: finding.causes.filter((id) => kept.has(id)),
      causedBy: finding.causedBy.filter((id) => kept.has(id)),
    }));
  const byId = new Map(findings.map((finding) => [finding.id, finding]));
  const weight = new Map(findings.map((finding) => [finding.id, countDescendants(finding, byId)]));
  // Every incident finding ranks above every posture finding, whatever their severities.
  const order = (left: Finding, right: Finding): number =>
    Number(left.category === 'posture') - Number(right.category === 'posture') ||
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
      rootCauses: roots.filter((finding) => finding.category === 'incident').length,
      posture: roots.filter((finding) => finding.category === 'posture').length,
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
