import { renderJson, renderMarkdown, renderTable, severityRank } from '@kubently/diagnosis';
import type { Report, Severity } from '@kubently/diagnosis';

import type { CliIo } from '../cli-io.js';
import { exitCodes } from '../exit-codes.js';
import { escapeTerminal, shouldUseColor, toJsonText, toYamlText } from '../format/index.js';
import { escapeReport } from './escape-report.js';

export const diagnoseFormats = ['table', 'wide', 'json', 'yaml', 'markdown'] as const;
export type DiagnoseFormat = (typeof diagnoseFormats)[number];

/** What is printed of a collection; both the local `Collection` and the server's parsed answer fit. */
export interface CollectionView {
  readonly durationMs: number;
  readonly commands: readonly unknown[];
  readonly collected: readonly string[];
  readonly warnings: readonly {
    readonly resource: string;
    readonly namespaces?: readonly string[] | undefined;
    readonly problem: string;
    readonly message: string;
    readonly fix: string;
    readonly kindKept: boolean;
  }[];
}

export interface PrintDiagnosisOptions {
  readonly report: Report;
  readonly collection: CollectionView;
  readonly format: DiagnoseFormat;
  /** Extra top-level JSON fields (`clusterId` or `context`). */
  readonly origin: Readonly<Record<string, string>>;
  /** Exit with `exitCodes.findings` when a finding is at least this severe. */
  readonly failOn: Severity | undefined;
  readonly io: CliIo;
}

const widthOf = (io: CliIo): number | undefined => {
  const columns = (io.stdout as { columns?: unknown }).columns;
  return typeof columns === 'number' && columns >= 80 ? columns : undefined;
};

/** One stderr line per resource that could not be listed, so a quiet report is never mistaken for a clean one. */
const describeCollection = (collection: CollectionView): string => {
  const lines = collection.warnings.map((warning) => {
    // The message is kubectl's stderr from the cluster: shown terminal-safe, like every field here.
    const where = warning.namespaces === undefined ? '' : ` in ${warning.namespaces.join(', ')}`;
    const effect = warning.kindKept ? '' : '; rules that need it stayed silent';
    const line = `not collected: ${warning.resource}${where} (${warning.problem}: ${warning.message})${effect}`;
    return `kubently: ${escapeTerminal(line)}\n  fix: ${escapeTerminal(warning.fix)}\n`;
  });
  const seconds = (collection.durationMs / 1000).toFixed(1);
  lines.push(
    `kubently: collected ${String(collection.collected.length)} kinds with ${String(collection.commands.length)} kubectl commands in ${seconds} s\n`,
  );
  return lines.join('');
};

/** Prints the report in the chosen format and returns the exit code (`--fail-on`). */
export const printDiagnosis = (options: PrintDiagnosisOptions): number => {
  const { report, collection, format, io } = options;
  switch (format) {
    case 'json':
    case 'yaml': {
      const body = { ...options.origin, ...(JSON.parse(renderJson(report)) as object), collection };
      io.stdout.write(format === 'json' ? toJsonText(body) : toYamlText(body));
      break;
    }
    case 'markdown':
      io.stdout.write(renderMarkdown(escapeReport(report)).replace(/\n?$/, '\n'));
      io.stderr.write(describeCollection(collection));
      break;
    case 'table':
    case 'wide': {
      // wide wraps long causes and fixes instead of cutting them (to the terminal, else 160 columns).
      const width = widthOf(io);
      io.stdout.write(
        renderTable(escapeReport(report), {
          color: shouldUseColor(io.stdout, io.env),
          wrap: format === 'wide',
          ...(width === undefined ? {} : { width }),
        }).replace(/\n?$/, '\n'),
      );
      io.stderr.write(describeCollection(collection));
      break;
    }
  }
  const { failOn } = options;
  if (failOn === undefined) return exitCodes.ok;
  const limit = severityRank[failOn];
  const failing = [...report.findings, ...report.symptoms].some(
    (finding) => severityRank[finding.severity] <= limit,
  );
  return failing ? exitCodes.findings : exitCodes.ok;
};
