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

function compactFinding(finding: Finding) {
  return {
    id: finding.id,
    rule: finding.rule,
    severity: finding.severity,
    resource: refText(finding.resource),
    summary: finding.summary,
    rootCause: finding.rootCause,
    evidence: finding.evidence
      .slice(0, 3)
      .map((item) => ({ fact: evidenceText(item), command: item.command })),
    remediation: finding.remediation,
    affected: finding.affected.slice(0, 5).map(refText),
    explains: finding.causes.length,
  };
}

/** A token-lean view of an engine report: root causes first, symptoms as one-liners. */
export function compactReport(report: Report, maxRootCauses = 10, maxSymptoms = 15) {
  const compact = {
    rootCauses: report.findings.slice(0, maxRootCauses).map(compactFinding),
    omittedRootCauses: Math.max(0, report.findings.length - maxRootCauses),
    symptoms: report.symptoms
      .slice(0, maxSymptoms)
      .map((finding) => `${finding.severity} ${refText(finding.resource)}: ${finding.summary}`),
    omittedSymptoms: Math.max(0, report.symptoms.length - maxSymptoms),
    namespaces: report.namespaces,
    collectedAt: report.collectedAt,
  };
  return JSON.parse(scrubSecrets(JSON.stringify(compact)).text) as typeof compact;
}
