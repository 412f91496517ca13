import type { CliIo } from './cli-io.js';

/**
 * One entry of the command table. `run` receives the arguments after the command path (help
 * flags are handled by `run.ts` before it) and returns the exit code; failures are thrown as
 * `KubentlyError` and mapped to exit codes in one place.
 */
export interface CommandSpec {
  /** e.g. `['clusters', 'add']`. */
  readonly path: readonly string[];
  readonly summary: string;
  /** Full help text printed by `kubently <path> --help`, starting with the usage line. */
  readonly help: string;
  readonly run: (argv: readonly string[], io: CliIo) => Promise<number>;
}
