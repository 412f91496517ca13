import { describe, expect, it } from 'vitest';
import type { ClusterSnapshot, Finding, Severity } from '../../src/index.js';
import { diagnose } from '../../src/index.js';

/** One table row: a fixture snapshot and the finding a rule must (or, with rule "-", must not) produce. */
export interface RuleCase {
  readonly name: string;
  readonly snapshot: () => ClusterSnapshot;
  /** The rule id, or "-" when the snapshot must yield no finding at all. */
  readonly rule: string;
  /** `Kind/name` of the finding's resource. */
  readonly resource: string;
  readonly severity?: Severity;
  readonly summary?: RegExp;
  readonly rootCause?: RegExp;
  /** Whether the finding must be a root cause (true) or a symptom (false). */
  readonly root?: boolean;
}

const all = (snap: ClusterSnapshot): Finding[] => {
  const report = diagnose(snap);
  return [...report.findings, ...report.symptoms];
};

const label = (finding: Finding): string =>
  `${finding.rule} ${finding.resource.kind}/${finding.resource.name}: ${finding.summary}`;

/** Registers the table: each positive case must find its finding with evidence commands and a fix. */
export const checkRuleCases = (title: string, cases: readonly RuleCase[]): void => {
  describe(title, () => {
    const positive = cases.filter((item) => item.rule !== '-');
    const negative = cases.filter((item) => item.rule === '-');
    if (positive.length > 0) {
      it.each(positive)('$name → $rule on $resource', (item) => {
        const findings = all(item.snapshot());
        const match = findings.find(
          (finding) =>
            finding.rule === item.rule &&
            `${finding.resource.kind}/${finding.resource.name}` === item.resource,
        );
        expect(match, `found: ${findings.map(label).join(' | ')}`).toBeDefined();
        if (match === undefined) return;
        if (item.severity !== undefined) expect(match.severity).toBe(item.severity);
        if (item.summary !== undefined) expect(match.summary).toMatch(item.summary);
        if (item.rootCause !== undefined) expect(match.rootCause).toMatch(item.rootCause);
        if (item.root !== undefined) expect(match.causedBy.length === 0).toBe(item.root);
        expect(match.evidence.length).toBeGreaterThan(0);
        for (const evidence of match.evidence)
          expect(evidence.command).toMatch(/^kubectl (get|describe|events|auth can-i|rollout status|logs) /);
        expect(match.remediation.length).toBeGreaterThan(10);
      });
    }
    if (negative.length > 0) {
      it.each(negative)('$name → no finding', (item) => {
        expect(all(item.snapshot()).map(label)).toEqual([]);
      });
    }
  });
};
