import type { Evidence, Finding } from '../model/finding.js';
import type { Report } from '../model/report.js';
import { shortRef } from '../util/resource-ref.js';
import { symptomTree } from './symptom-tree.js';

const icon: Readonly<Record<Finding['severity'], string>> = { critical: '🔴', warning: '🟠', info: '🔵' };

const evidenceLine = (evidence: Evidence): string => {
  switch (evidence.type) {
    case 'field':
      return `- \`${shortRef(evidence.object)}\` \`${evidence.path}\` = ${evidence.value} — \`${evidence.command}\``;
    case 'event':
      return `- event \`${evidence.reason}\` ×${evidence.count} on \`${shortRef(evidence.object)}\`: ${evidence.message} — \`${evidence.command}\``;
    case 'absence':
      return `- ${evidence.detail} — \`${evidence.command}\``;
  }
};

/** The report as Markdown: root causes first, each with evidence, fix and the symptoms it explains. */
export const renderMarkdown = (report: Report): string => {
  const { summary } = report;
  const lines = [
    '# Kubently diagnosis',
    '',
    `Collected ${report.collectedAt} · scope ${report.namespaces === 'all' ? 'all namespaces' : report.namespaces.join(', ')} · ` +
      `${summary.rootCauses} root causes, ${summary.symptoms} symptoms${summary.posture > 0 ? `, ${String(summary.posture)} posture findings` : ''} (${summary.bySeverity.critical} critical, ${summary.bySeverity.warning} warning, ${summary.bySeverity.info} info)`,
    '',
  ];
  if (report.findings.length === 0) {
    lines.push('No problems found.', '');
    return lines.join('\n');
  }
  for (const finding of report.findings) {
    lines.push(
      `## ${icon[finding.severity]} ${finding.category === 'posture' ? 'posture ' : ''}${finding.severity}: ${shortRef(finding.resource)} — ${finding.summary}`,
      '',
    );
    lines.push(`**Root cause.** ${finding.rootCause}`, '');
    lines.push('**Evidence.**', ...finding.evidence.map(evidenceLine), '');
    lines.push(`**Fix.** ${finding.remediation}`, '');
    const symptoms = symptomTree(finding, report);
    if (symptoms.length > 0) {
      lines.push('**Symptoms it explains.**');
      for (const { depth, finding: symptom } of symptoms) {
        lines.push(
          `${'  '.repeat(depth - 1)}- ${icon[symptom.severity]} \`${shortRef(symptom.resource)}\`: ${symptom.summary}`,
        );
      }
      lines.push('');
    }
    lines.push(`<sub>rule \`${finding.rule}\` · id \`${finding.id}\`</sub>`, '');
  }
  return lines.join('\n');
};
