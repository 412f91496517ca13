export {
  cliConfigSchema,
  emptyCliConfig,
  serverEntrySchema,
  serverNameSchema,
  serverUrlSchema,
} from './cli-config.js';
export type { CliConfig, ServerEntry } from './cli-config.js';
export { configPaths } from './config-paths.js';
export type { ConfigPaths } from './config-paths.js';
export { maskKey } from './mask-key.js';
export { readCliConfig } from './read-cli-config.js';
export { defaultServerUrl, resolveConnection } from './resolve-connection.js';
export type { Connection } from './resolve-connection.js';
export { writeCliConfig } from './write-cli-config.js';
