export { connectionHelp, connectionOptions } from './connection-options.js';
export type { ConnectionFlags } from './connection-options.js';
export { parseCommandArgs, parseIntegerFlag, requirePositionals } from './parse-command-args.js';
export type { ParsedCommandArgs } from './parse-command-args.js';
export { logLevels, parseLogLevel } from './parse-log-level.js';
export type { LogLevel } from './parse-log-level.js';
export { peelConnectionFlags } from './peel-connection-flags.js';
export { parseClusterId } from './parse-cluster-id.js';
export { isLocalMode, localHelp, localOptions } from './local-options.js';
