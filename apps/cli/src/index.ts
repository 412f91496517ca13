export type { CliIo, CliOutput } from './cli-io.js';
export type { CommandSpec } from './command-spec.js';
export { commands } from './commands/index.js';
export { exitCodes } from './exit-codes.js';
export type { ExitCode } from './exit-codes.js';
export { KubentlyError } from './kubently-error.js';
export type { CliErrorCode } from './kubently-error.js';
export { run } from './run.js';
