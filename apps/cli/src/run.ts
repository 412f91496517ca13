import { peelConnectionFlags } from './args/index.js';
import type { CliIo } from './cli-io.js';
import { resolveAliases } from './command-aliases.js';
import type { CommandSpec } from './command-spec.js';
import { commands } from './commands/index.js';
import { didYouMean } from './did-you-mean.js';
import { exitCodeFor } from './exit-code-for.js';
import { exitCodes, exitCodesHelp } from './exit-codes.js';
import { escapeTerminal, escapeTerminalText, renderTable } from './format/index.js';
import { KubentlyError } from './kubently-error.js';
import { selfCommand } from './self-command.js';
import { cliVersion } from './version.js';

/**
 * The whole CLI: parses `argv` (without `node` and the script), runs one command against `io`,
 * and returns the exit code. Never touches `process`.
 */
export async function run(
  rawArgv: readonly string[],
  io: CliIo,
  table: readonly CommandSpec[] = commands,
): Promise<number> {
  const { leading, rest: argv } = peelConnectionFlags(rawArgv);
  const beforeSeparator = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  const wantsHelp = beforeSeparator.includes('--help') || beforeSeparator.includes('-h');
  const [first] = argv;
  if (
    first === undefined ||
    ((first === '--help' || first === '-h' || first === 'help') && argv.length === 1)
  ) {
    io.stdout.write(rootHelp(table, (await selfCommand(io)).shell));
    return first === undefined ? exitCodes.usage : exitCodes.ok;
  }
  if (first === '--version' || first === '-v' || (first === 'version' && !hasCommand(table, 'version'))) {
    io.stdout.write(`kubently ${cliVersion}\n`);
    return exitCodes.ok;
  }
  const words = resolveAliases(table, first === 'help' ? argv.slice(1) : argv);
  const command = findCommand(table, words);
  if (command === undefined) {
    const group = table.filter((spec) => spec.path.length > 1 && spec.path[0] === words[0]);
    if (
      group.length > 0 &&
      (words.length === 1 || wantsHelp || first === 'help' || (words[1] ?? '').startsWith('-'))
    ) {
      io.stdout.write(groupHelp(words[0] ?? '', group));
      return words.length === 1 && first !== 'help' && !wantsHelp ? exitCodes.usage : exitCodes.ok;
    }
    const known = group.length > 0 ? group : table;
    io.stderr.write(
      `kubently: unknown command "${escapeTerminal(words.slice(0, group.length > 0 ? 2 : 1).join(' '))}"\n${suggestion(table, words, group.length > 0)}  known: ${known.map((spec) => spec.path.join(' ')).join(', ')}\n  run \`kubently --help\` for usage\n`,
    );
    return exitCodes.usage;
  }
  if (wantsHelp || first === 'help') {
    io.stdout.write(`${command.help}\n`);
    return exitCodes.ok;
  }
  try {
    return await command.run([...leading, ...argv.slice(command.path.length)], io);
  } catch (error) {
    return reportError(error, io);
  }
}

function hasCommand(table: readonly CommandSpec[], name: string): boolean {
  return table.some((spec) => spec.path[0] === name);
}

/** `  did you mean "kubently diagnose"?` for a typo of a command or of a group's verb; else nothing. */
function suggestion(table: readonly CommandSpec[], words: readonly string[], isInGroup: boolean): string {
  const typo = (isInGroup ? words[1] : words[0]) ?? '';
  const known = isInGroup
    ? table.filter((spec) => spec.path[0] === words[0]).map((spec) => spec.path[1] ?? '')
    : table.map((spec) => spec.path[0] ?? '');
  const [best, second] = didYouMean(typo, known);
  if (best === undefined) return '';
  const full = (word: string): string => `kubently ${isInGroup ? `${words[0] ?? ''} ` : ''}${word}`;
  return `  did you mean "${full(best)}"${second === undefined ? '' : ` or "${full(second)}"`}?\n`;
}

function findCommand(table: readonly CommandSpec[], words: readonly string[]): CommandSpec | undefined {
  return table.find((spec) => spec.path.every((part, index) => words[index] === part));
}

/** Error messages often carry server text (an API error, a kubectl message): shown terminal-safe. */
function reportError(error: unknown, io: CliIo): number {
  if (error instanceof KubentlyError) {
    io.stderr.write(`kubently: ${escapeTerminalText(error.message)}\n`);
    return exitCodeFor(error.code);
  }
  if (io.signal.aborted) {
    io.stderr.write('kubently: interrupted\n');
    return 130;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(`kubently: unexpected error (please report it): ${escapeTerminalText(detail)}\n`);
  return exitCodes.error;
}

function rootHelp(table: readonly CommandSpec[], self: string): string {
  const rows = table.map((spec) => [`  ${spec.path.join(' ')}`, spec.summary]);
  return `kubently ${cliVersion}: read-only kubectl relayed to your clusters, safely.

Usage: kubently <command> [flags] [-- kubectl args]

Quick start:
  ${self} up                              # server + executor for your current kubeconfig context
  ${self} exec <cluster> -- get pods -A   # in another terminal

Commands:
${renderTable(['', ''], rows).split('\n').slice(1).join('\n')}
Run \`kubently <command> --help\` for a command's flags.

Configuration: ~/.kubently/config.json (or $KUBENTLY_CONFIG_DIR); KUBENTLY_API_URL and
KUBENTLY_API_KEY override the current server.

${exitCodesHelp}
`;
}

function groupHelp(group: string, specs: readonly CommandSpec[]): string {
  const rows = specs.map((spec) => [`  ${spec.path.join(' ')}`, spec.summary]);
  return `Usage: kubently ${group} <${specs.map((spec) => spec.path[1] ?? '').join('|')}> [flags]

${renderTable(['', ''], rows).split('\n').slice(1).join('\n')}
Run \`kubently ${group} <command> --help\` for its flags.
`;
}
