import type { Severity } from '@kubently/diagnosis';
import type { FanOutDiagnoseResponse } from '@kubently/protocol';

import type { CliIo } from '../cli-io.js';
import { exitCodes } from '../exit-codes.js';
import { escapeTerminalText, toJsonText } from '../format/index.js';
import { printDiagnosis } from './print-diagnosis.js';
import type { DiagnoseFormat } from './print-diagnosis.js';

/**
 * `kubently diagnose --all`: JSON prints the server's answer as it is ({results, summary});
 * table and Markdown print one `==> <cluster> <==` section per cluster with that cluster's report,
 * and one stderr line per cluster that could not be diagnosed. Exit 8 when `--fail-on` matched on
 * any cluster, else 1 when a cluster could not be diagnosed, else 0.
 */
export const printDiagnosisAll = (
  answer: FanOutDiagnoseResponse,
  options: { readonly format: DiagnoseFormat; readonly failOn: Severity | undefined; readonly io: CliIo },
): number => {
  const { io } = options;
  let matched = false;
  if (options.format === 'json') io.stdout.write(toJsonText(answer));
  for (const entry of answer.results) {
    if (entry.status === 'error') {
      if (options.format !== 'json')
        io.stdout.write(`==> ${entry.clusterId} <==\n(not diagnosed: ${entry.error.code})\n`);
      io.stderr.write(
        `kubently: ${entry.clusterId}: ${entry.error.code}: ${escapeTerminalText(entry.error.message)}\n`,
      );
      continue;
    }
    const { clusterId, collection, ...report } = entry.result;
    if (options.format !== 'json') io.stdout.write(`==> ${clusterId} <==\n`);
    const code = printDiagnosis({
      report,
      collection,
      format: options.format,
      origin: { clusterId },
      failOn: options.failOn,
      // JSON was printed whole above; here only the exit code is wanted.
      io:
        options.format === 'json'
          ? { ...io, stdout: { write: () => true }, stderr: { write: () => true } }
          : io,
    });
    if (code === exitCodes.findings) matched = true;
  }
  const { clusters, ok, errors } = answer.summary;
  io.stderr.write(
    clusters === 0
      ? "kubently: no cluster in this key's scope is registered; add one with `kubently clusters add <id>`\n"
      : `kubently: diagnosed ${String(ok)} of ${String(clusters)} cluster(s)${errors === 0 ? '' : `, ${String(errors)} not diagnosed`}\n`,
  );
  if (matched) return exitCodes.findings;
  return errors > 0 || clusters === 0 ? exitCodes.error : exitCodes.ok;
};
