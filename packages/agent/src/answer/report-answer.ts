import type { Finding, Report } from '@kubently/diagnosis';

import { evidenceText, refText } from '../tools/compact-report.js';
import { scrubSecrets } from '../tools/scrub-secrets.js';

export const noModelNotice =
  '_No language model is configured, so this answer comes from the diagnosis engine alone. To enable the agent, set ' +
  "`KUBENTLY_LLM_PROVIDER` (openai, anthropic, google or openai-compatible), `KUBENTLY_LLM_MODEL` and the provider's API key " +
  '(`OPENAI_API_KEY`, `ANTHROPIC_API_KEY`, `GOOGLE_GENERATIVE_AI_API_KEY` or `KUBENTLY_LLM_API_KEY`); for a local model ' +
  'use openai-compatible with `KUBENTLY_LLM_BASE_URL` (e.g. Ollama at http://127.0.0.1:11434/v1). See docs/agent.md._';

function verificationCommands(finding: Finding): string[] {
  const { kind, name, namespace } = finding.resource;
  const scope = namespace === '' ? '' : ` -n ${namespace}`;
  const commands = new Set<string>([`kubectl get ${kind.toLowerCase()} ${name}${scope}`]);
  for (const evidence of finding.evidence) commands.add(evidence.command);
  commands.add(`kubently diagnose${namespace === '' ? '' : ` --namespace ${namespace}`}`);
  return [...commands];
}

function findingSection(finding: Finding, report: Report, index: number, total: number): string {
  const explained = report.symptoms.filter((symptom) => symptom.causedBy.includes(finding.id));
  const impact = [finding.summary];
  if (finding.affected.length > 0) {
    impact.push(
      `Affected: ${finding.affected.slice(0, 8).map(refText).join(', ')}${finding.affected.length > 8 ? ` and ${finding.affected.length - 8} more` : ''}.`,
    );
  }
  if (explained.length > 0) {
    impact.push(
      `It explains ${explained.length} other finding${explained.length === 1 ? '' : 's'}: ${explained
        .slice(0, 5)
        .map((symptom) => `${refText(symptom.resource)} (${symptom.summary})`)
        .join('; ')}.`,
    );
  }
  const heading =
    total > 1
      ? `### ${index + 1}. ${refText(finding.resource)} (${finding.severity}, rule ${finding.rule})\n\n`
      : '';
  return `${heading}**Root cause:** ${finding.rootCause} (${refText(finding.resource)})

**Evidence:**
${finding.evidence.map((item) => `- \`${item.command}\`: ${evidenceText(item)}`).join('\n') || '- (the engine recorded no evidence command)'}

**Impact:** ${impact.join(' ')}

**Fix:** ${finding.remediation}

**Verification:**
${verificationCommands(finding)
  .map((command) => `- \`${command}\``)
  .join('\n')}`;
}

/**
 * Renders an engine report in the agent's answer format (Root cause / Evidence / Impact / Fix /
 * Verification), at most `maxRootCauses` root causes, for the engine-only mode.
 */
export function renderReportAnswer(report: Report, clusterId: string, maxRootCauses = 3): string {
  const scope =
    report.namespaces === 'all'
      ? 'all namespaces'
      : `namespace${report.namespaces.length === 1 ? '' : 's'} ${report.namespaces.join(', ')}`;
  if (report.findings.length === 0) {
    return `**Root cause:** none found. The diagnosis engine ran ${report.summary.rulesRun} rules over ${report.summary.objectsScanned} objects in ${scope} of cluster ${clusterId} and found no problem.

**Evidence:**
- \`kubently diagnose\`: 0 findings (snapshot collected ${report.collectedAt})

**Impact:** none detected.

**Fix:** nothing to fix from the engine's point of view; if you see a symptom, describe it with the object's name.

**Verification:**
- \`kubectl get events -A --field-selector type=Warning\`

${noModelNotice}`;
  }
  const shown = report.findings.slice(0, maxRootCauses);
  const rest = report.findings.length - shown.length;
  const body = shown
    .map((finding, index) => findingSection(finding, report, index, shown.length))
    .join('\n\n');
  const more =
    rest > 0
      ? `\n\n${rest} more root cause${rest === 1 ? '' : 's'} not shown: run \`kubently diagnose\` for the full report.`
      : '';
  return scrubSecrets(
    `Diagnosis of ${scope} in cluster ${clusterId}: ${report.findings.length} root cause${report.findings.length === 1 ? '' : 's'}, ${report.symptoms.length} symptom${report.symptoms.length === 1 ? '' : 's'}.\n\n${body}${more}\n\n${noModelNotice}`,
  ).text;
}
