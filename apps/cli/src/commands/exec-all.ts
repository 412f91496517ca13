import type { FanOutCommandResponse } from '@kubently/protocol';

import type { CliIo } from '../cli-io.js';
import { exitCodes } from '../exit-codes.js';
import { escapeTerminalOutput, escapeTerminalText } from '../format/index.js';
import { isTerminal } from '../chat/index.js';

/**
 * `kubently exec --all`: one section per cluster, headed `==> <cluster> <==` on stdout (the
 * convention of `tail` and `head` with several files), kubectl's stdout under it and its stderr on
 * stderr; a cluster without a result gets one stderr line with the reason. Exit 0 only when every
 * cluster ran the command with exit 0; otherwise 1, after printing everything.
 */
export const printFanOutResult = (answer: FanOutCommandResponse, io: CliIo): number => {
  const text = (value: string, output: CliIo['stdout']): string =>
    isTerminal(output) ? escapeTerminalOutput(value) : value;
  let allSucceeded = true;
  for (const entry of answer.results) {
    io.stdout.write(`==> ${entry.clusterId} <==\n`);
    if (entry.status === 'error') {
      allSucceeded = false;
      io.stderr.write(
        `kubently: ${entry.clusterId}: ${entry.error.code}: ${escapeTerminalText(entry.error.message)}\n`,
      );
      continue;
    }
    const { result } = entry;
    if (result.stdout !== undefined) io.stdout.write(text(result.stdout, io.stdout));
    if (result.stdout !== undefined && result.stdout !== '' && !result.stdout.endsWith('\n'))
      io.stdout.write('\n');
    if (result.stderr !== undefined && result.stderr !== '') io.stderr.write(text(result.stderr, io.stderr));
    if (result.failure !== undefined)
      io.stderr.write(
        `kubently: ${entry.clusterId}: ${result.failure.code}: ${escapeTerminalText(result.failure.message)}\n`,
      );
    if (result.redactions !== undefined && result.redactions > 0)
      io.stderr.write(
        `kubently: ${entry.clusterId}: ${String(result.redactions)} secret value(s) redacted\n`,
      );
    if (result.status !== 'succeeded') allSucceeded = false;
  }
  const { clusters, ok, errors } = answer.summary;
  io.stderr.write(
    clusters === 0
      ? "kubently: no cluster in this key's scope is registered; add one with `kubently clusters add <id>`\n"
      : `kubently: ${String(ok)} of ${String(clusters)} cluster(s) answered${errors === 0 ? '' : `, ${String(errors)} without a result`}\n`,
  );
  return allSucceeded && clusters > 0 ? exitCodes.ok : exitCodes.error;
};
