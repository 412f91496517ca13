import type { Finding, Report } from '@kubently/diagnosis';

/** Words of a question that never name a namespace or workload. */
const stopWords = new Set(
  'the and why what which who how is are was were not does did do any all in on of for to with from my our this that there pod pods cluster namespace ready running failing broken down crash crashing'.split(
    ' ',
  ),
);

/** Lower-case name-like words of a question ("shop", "web-api"), without common words. */
export const nameWords = (question: string): string[] =>
  [
    ...new Set(
      question
        .toLowerCase()
        .split(/[^a-z0-9.-]+/)
        .map((word) => word.replace(/^[.-]+|[.-]+$/g, '')),
    ),
  ].filter((word) => word.length >= 2 && !stopWords.has(word));

const touches = (finding: Finding, word: string): boolean =>
  [finding.resource, ...finding.affected].some(
    (ref) => ref.namespace === word || ref.name === word || ref.name.startsWith(`${word}-`),
  );

export interface FocusedReport {
  readonly report: Report;
  /** The question's words that matched a finding's namespace or object. */
  readonly matched: readonly string[];
}

/**
 * Keeps the root causes (and their symptoms) that touch a namespace or object the question names,
 * "why is shop not ready?" → the findings in namespace shop or on objects named shop(-…). Returns
 * the report unchanged, with no match, when the question names none of them.
 */
export function focusReport(report: Report, question: string): FocusedReport {
  const words = nameWords(question);
  const matched = words.filter((word) =>
    [...report.findings, ...report.symptoms].some((finding) => touches(finding, word)),
  );
  if (matched.length === 0) return { report, matched };
  const relevant = (finding: Finding): boolean => matched.some((word) => touches(finding, word));
  const symptoms = report.symptoms.filter(relevant);
  const causes = new Set(symptoms.flatMap((symptom) => symptom.causedBy));
  const findings = report.findings.filter((finding) => relevant(finding) || causes.has(finding.id));
  return { report: { ...report, findings, symptoms }, matched };
}
