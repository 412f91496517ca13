import type { Evidence, Finding, Report, ResourceRef } from '@kubently/diagnosis';

import { scrubSecrets } from './scrub-secrets.js';

export const refText = (ref: ResourceRef): string =>
  ref.namespace === '' ? `${ref.kind}/${ref.name}` : `${ref.namespace}/${ref.kind}/${ref.name}`;

export function evidenceText(evidence: Evidence): string {
  switch (evidence.type) {
    case 'field':
      return `${refText(evidence.object)} ${evidence.path}=${evidence.value}`;
    case 'event':
      return `${refText(evidence.object)} event ${evidence.reason} (x${evidence.count}): ${evidence.message}`;
    case 'absence':
      return `${refText(evidence.object)}: ${evidence.detail}`;
  }
}

function findingLines(finding: Finding, index: number): string[] {
  const lines = [
    `${index + 1}. [${finding.severity}] ${refText(finding.resource)} (rule ${finding.rule}, id ${finding.id})`,
    `   summary: ${finding.summary}`,
    `   root cause: ${finding.rootCause}`,
    ...finding.evidence.slice(0, 3).map((item) => `   evidence: ${evidenceText(item)} [${item.command}]`),
    `   fix: ${finding.remediation}`,
  ];
  if (finding.affected.length > 0) {
    lines.push(
      `   affected: ${finding.affected.slice(0, 5).map(refText).join(', ')}${finding.affected.length > 5 ? ` and ${finding.affected.length - 5} more` : ''}`,
    );
  }
  if (finding.causes.length > 0) lines.push(`   explains ${finding.causes.length} symptom(s)`);
  return lines;
}

/**
 * A token-lean text view of an engine report for the model: root causes first (with evidence and
 * fix), symptoms as one-liners. Every line may quote the cluster, so the caller wraps it whole in
 * the untrusted markers; secrets are scrubbed.
 */
export function compactReportText(report: Report, maxRootCauses = 10, maxSymptoms = 15): string {
  const rootCauses = report.findings.slice(0, maxRootCauses);
  const symptoms = report.symptoms.slice(0, maxSymptoms);
  const lines = [
    `Root causes (${rootCauses.length} of ${report.findings.length}):`,
    ...rootCauses.flatMap(findingLines),
    `Symptoms (${symptoms.length} of ${report.symptoms.length}):`,
    ...symptoms.map((finding) => `- [${finding.severity}] ${refText(finding.resource)}: ${finding.summary}`),
  ];
  return scrubSecrets(`${lines.join('\n')}\n`).text;
}
