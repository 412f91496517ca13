import type { CommandResponse } from './command.js';
import { wrapUntrusted } from './untrusted-text.js';
import { mcpOutputLimits } from './mcp-tools.js';
import type { McpCommandResult, McpDiagnosis, McpFinding } from './mcp-tools.js';

export interface CappedText {
  readonly text: string;
  readonly isTruncated: boolean;
}

/**
 * Keeps the first `maxChars` characters (cut at a line end when one is near) and appends a marker
 * that says what was dropped and how to narrow the command, so a model never mistakes a cut list for
 * the whole answer.
 */
export const capMcpText = (text: string, maxChars: number = mcpOutputLimits.maxOutputChars): CappedText => {
  if (text.length <= maxChars) return { text, isTruncated: false };
  let kept = text.slice(0, maxChars);
  const cut = kept.lastIndexOf('\n');
  if (cut > maxChars / 2) kept = kept.slice(0, cut + 1);
  const marker =
    `[OUTPUT TRUNCATED: showing the first ${kept.length} of ${text.length} characters. ` +
    'Narrow the command: a namespace, a label selector (-l), a resource name, --tail for logs, or -o name.]';
  return { text: `${kept}${kept.endsWith('\n') ? '' : '\n'}${marker}\n`, isTruncated: true };
};

/** A REST `CommandResponse` as the MCP tool result, with stdout and stderr capped. */
export const toMcpCommandResult = (response: CommandResponse): McpCommandResult => {
  const stdout = capMcpText(response.stdout ?? '');
  const stderr = capMcpText(response.stderr ?? '');
  return {
    commandId: response.id,
    clusterId: response.clusterId,
    status: response.status,
    args: response.args,
    ...(response.exitCode === undefined ? {} : { exitCode: response.exitCode }),
    stdout: stdout.text,
    stderr: stderr.text,
    ...(response.durationMs === undefined ? {} : { durationMs: response.durationMs }),
    truncated: (response.truncated ?? false) || stdout.isTruncated || stderr.isTruncated,
    redactions: response.redactions ?? 0,
    ...(response.failure === undefined ? {} : { failure: response.failure }),
  };
};

/**
 * The readable text content next to a command's structured result. The command line and the exit
 * code are the caller's and the server's; stdout, stderr and a failure message come from the
 * cluster or its executor, so each sits in its own untrusted block (docs/api.md#mcp).
 */
export const commandResultText = (result: McpCommandResult): string => {
  const command = `kubectl ${result.args.join(' ')}`;
  if (result.status === 'queued' || result.status === 'running') {
    return `${command}\nstatus: ${result.status} (command id ${result.commandId}); call get_command_result with this id for the output.`;
  }
  const head =
    result.failure === undefined
      ? `${command}\nexit code ${String(result.exitCode ?? 'unknown')}${result.durationMs === undefined ? '' : `, ${Math.round(result.durationMs)} ms`}`
      : `${command}\nfailed: ${result.failure.code}`;
  const notes = [
    result.redactions > 0 ? `${result.redactions} secret value(s) redacted` : '',
    result.truncated ? 'output truncated' : '',
  ].filter((note) => note !== '');
  const parts = [head + (notes.length > 0 ? ` (${notes.join('; ')})` : '')];
  if (result.failure !== undefined) parts.push(`message:\n${wrapUntrusted(result.failure.message)}`);
  if (result.stdout !== '') parts.push(wrapUntrusted(result.stdout));
  if (result.stderr !== '' && result.failure === undefined)
    parts.push(`stderr:\n${wrapUntrusted(result.stderr)}`);
  return parts.join('\n\n');
};

/** Structurally the diagnosis engine's `Report` (protocol does not depend on @kubently/diagnosis). */
export interface ReportLike {
  readonly findings: readonly FindingLike[];
  readonly symptoms: readonly FindingLike[];
  readonly summary: {
    readonly rootCauses: number;
    readonly symptoms: number;
    readonly bySeverity: Readonly<Record<'critical' | 'warning' | 'info', number>>;
  };
  readonly collectedAt: string;
  readonly generatedAt: string;
  readonly namespaces: 'all' | readonly string[];
}

interface FindingLike {
  readonly id: string;
  readonly rule: string;
  readonly category?: 'incident' | 'posture';
  readonly severity: 'critical' | 'warning' | 'info';
  readonly resource: { readonly kind: string; readonly namespace: string; readonly name: string };
  readonly summary: string;
  readonly rootCause: string;
  readonly remediation: string;
  readonly evidence: readonly { readonly command: string }[];
  readonly causedBy: readonly string[];
}

const toFinding = (finding: FindingLike): McpFinding => ({
  id: finding.id,
  rule: finding.rule,
  category: finding.category ?? 'incident',
  severity: finding.severity,
  resource: { ...finding.resource },
  summary: finding.summary,
  rootCause: finding.rootCause,
  remediation: finding.remediation,
  commands: [...new Set(finding.evidence.map((evidence) => evidence.command))],
  causedBy: [...finding.causedBy],
});

export const toMcpDiagnosis = (clusterId: string, report: ReportLike): McpDiagnosis => ({
  clusterId,
  collectedAt: report.collectedAt,
  generatedAt: report.generatedAt,
  namespaces: report.namespaces === 'all' ? 'all' : [...report.namespaces],
  summary: {
    rootCauses: report.summary.rootCauses,
    symptoms: report.summary.symptoms,
    ...report.summary.bySeverity,
  },
  findings: [...report.findings, ...report.symptoms].map(toFinding),
});

const resourceName = (finding: McpFinding): string =>
  `${finding.resource.kind}/${finding.resource.namespace === '' ? '' : `${finding.resource.namespace}/`}${finding.resource.name}`;

/**
 * The readable text content of a diagnosis: the counts, then one untrusted block with one entry per
 * root cause and one line per symptom (findings quote termination messages, events, probe output
 * and names that workloads choose).
 */
export const diagnosisText = (diagnosis: McpDiagnosis): string => {
  const { summary } = diagnosis;
  const head =
    `Cluster ${diagnosis.clusterId}: ${summary.rootCauses} root cause(s), ${summary.symptoms} symptom(s) ` +
    `(${summary.critical} critical, ${summary.warning} warning, ${summary.info} info).`;
  if (diagnosis.findings.length === 0) return `${head}\nNo problems found in the snapshot.`;
  const lines: string[] = [];
  for (const finding of diagnosis.findings) {
    if (finding.causedBy.length > 0) {
      lines.push(`- symptom [${finding.severity}] ${resourceName(finding)}: ${finding.summary}`);
      continue;
    }
    lines.push(
      '',
      `[${finding.category === 'posture' ? 'posture ' : ''}${finding.severity}] ${resourceName(finding)} (${finding.rule}): ${finding.summary}`,
      `Root cause: ${finding.rootCause}`,
      `Fix: ${finding.remediation}`,
      ...finding.commands.map((command) => `  evidence: ${command}`),
    );
  }
  return `${head}\n${wrapUntrusted(capMcpText(lines.join('\n').trimStart()).text)}`;
};
