export {
  buildExecutorConfig,
  executorOptionsFromEnvironment,
  executorOptionsSchema,
  kubectlEnvironmentAllowlist,
  logLevels,
  parseExecutorConfig,
} from './config.js';
export type { Environment, ExecutorConfig, ExecutorOptions, LogLevel } from './config.js';
export { KubentlyError } from './executor-error.js';
export type { ExecutorDependencies } from './dependencies.js';
export { ExecutorMetrics } from './telemetry/index.js';
export { start } from './start.js';
export type { RunningExecutor, StartOverrides } from './start.js';
export { executorVersion } from './version.js';
