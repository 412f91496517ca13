import type { Finding, Severity } from '../model/finding.js';
import type { Report } from '../model/report.js';
import { shortRef } from '../util/resource-ref.js';
import { symptomTree } from './symptom-tree.js';

export interface TableOptions {
  /** ANSI colours for severities (turn off when stdout is not a TTY or NO_COLOR is set). */
  readonly color: boolean;
  /** Total line width; long cells are cut with "…" (or wrapped, see `wrap`). Default 160. */
  readonly width?: number;
  /** Wrap long cells onto continuation lines instead of cutting them: nothing is lost. */
  readonly wrap?: boolean;
}

const colors: Readonly<Record<Severity, string>> = {
  critical: '\u001b[31;1m',
  warning: '\u001b[33m',
  info: '\u001b[36m',
};
const dim = '\u001b[2m';
const reset = '\u001b[0m';

const fit = (text: string, width: number): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= width ? flat.padEnd(width) : `${flat.slice(0, Math.max(0, width - 1))}…`;
};

/** Words filled into lines of at most `width` characters; a longer word is split. */
const wrapText = (text: string, width: number): string[] => {
  const lines: string[] = [];
  let line = '';
  for (const word of text.replace(/\s+/g, ' ').trim().split(' ')) {
    let rest = word;
    while (rest.length > width) {
      if (line !== '') lines.push(line);
      line = '';
      lines.push(rest.slice(0, width));
      rest = rest.slice(width);
    }
    if (line === '') line = rest;
    else if (line.length + 1 + rest.length <= width) line = `${line} ${rest}`;
    else {
      lines.push(line);
      line = rest;
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
};

/** The first sentence; a period inside a backtick command or a version number does not end it. */
const firstSentence = (text: string): string => {
  const match = /^(.+?[.!?])(\s+[A-Z]|$)/.exec(text);
  return match?.[1] ?? text;
};

/** One line per root cause: severity, resource, what is wrong, the fix; symptoms summarized beneath. */
export const renderTable = (report: Report, options: TableOptions): string => {
  const width = Math.max(80, options.width ?? 160);
  const severityWidth = 8;
  const longest = Math.max(8, ...report.findings.map((finding) => shortRef(finding.resource).length));
  const resourceWidth = Math.min(longest, Math.floor(width * 0.25));
  const rest = width - severityWidth - resourceWidth - 6;
  const causeWidth = Math.floor(rest * 0.6);
  const fixWidth = rest - causeWidth;
  const paint = (severity: Severity, text: string): string =>
    options.color ? `${colors[severity]}${text}${reset}` : text;
  const faint = (text: string): string => (options.color ? `${dim}${text}${reset}` : text);
  const row = (severity: string, resource: string, cause: string, fix: string): string =>
    `${severity}  ${fit(resource, resourceWidth)}  ${fit(cause, causeWidth)}  ${fit(fix, fixWidth)}`.trimEnd();
  /** The wrapped form: the first line carries the severity, the others are blank under it. */
  const wrappedRow = (severity: string, resource: string, cause: string, fix: string): string => {
    const columns = [
      wrapText(resource, resourceWidth),
      wrapText(cause, causeWidth),
      wrapText(fix, fixWidth),
    ] as const;
    const height = Math.max(...columns.map((column) => column.length));
    const lines: string[] = [];
    for (let index = 0; index < height; index += 1) {
      const [resourceLine, causeLine, fixLine] = columns.map((column) => column[index] ?? '');
      lines.push(
        `${index === 0 ? severity : ' '.repeat(severityWidth)}  ${(resourceLine ?? '').padEnd(resourceWidth)}  ${(causeLine ?? '').padEnd(causeWidth)}  ${fixLine ?? ''}`.trimEnd(),
      );
    }
    return lines.join('\n');
  };

  const { summary } = report;
  const posture = summary.posture > 0 ? `, ${String(summary.posture)} posture` : '';
  const lines = [
    `${summary.rootCauses} root causes, ${summary.symptoms} symptoms${posture} · ${summary.bySeverity.critical} critical, ${summary.bySeverity.warning} warning, ${summary.bySeverity.info} info · collected ${report.collectedAt}`,
  ];
  if (report.findings.length === 0) {
    lines.push('No problems found.');
    return `${lines.join('\n')}\n`;
  }
  lines.push(row(fit('SEVERITY', severityWidth), 'RESOURCE', 'ROOT CAUSE', 'FIX'));
  let postureShown = false;
  for (const finding of report.findings) {
    if (finding.category === 'posture' && !postureShown) {
      postureShown = true;
      lines.push(faint(`-- security posture (${String(summary.posture)}): weaknesses, not outages --`));
    }
    const severity = paint(finding.severity, fit(finding.severity.toUpperCase(), severityWidth));
    lines.push(
      options.wrap === true
        ? wrappedRow(severity, shortRef(finding.resource), finding.summary, finding.remediation)
        : row(severity, shortRef(finding.resource), finding.summary, firstSentence(finding.remediation)),
    );
    const symptoms = symptomTree(finding, report);
    if (symptoms.length > 0) {
      const limit = options.wrap === true ? symptoms.length : 3;
      const shown = symptoms
        .slice(0, limit)
        .map(
          ({ finding: symptom }: { finding: Finding }) =>
            `${shortRef(symptom.resource)} (${symptom.summary})`,
        );
      const more = symptoms.length > limit ? ` and ${symptoms.length - limit} more` : '';
      const explains = `↳ explains ${shown.join('; ')}${more}`;
      const indent = ' '.repeat(severityWidth + 2);
      lines.push(
        options.wrap === true
          ? wrapText(explains, width - indent.length)
              .map((line) => faint(`${indent}${line}`))
              .join('\n')
          : faint(`${indent}${explains}`.slice(0, width)),
      );
    }
  }
  return `${lines.join('\n')}\n`;
};
