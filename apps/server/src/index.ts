export { createAgentService, scopedConversationId } from './agent/index.js';
export type { AgentLanguageModel, AgentRunInput, AgentService } from './agent/index.js';
export {
  ConfigError,
  createConfig,
  defaultServerConfig,
  parseApiKeys,
  parseEnvironment,
  readEnvironment,
} from './config.js';
export type { ApiKeyEntry, ConfigOverrides, LogLevel, ServerConfig } from './config.js';
export { defaultCallbackConfig } from './callbacks/callback-config.js';
export type { CallbackConfig } from './callbacks/callback-config.js';
export { callbackHeaders, signCallback, verifyCallback } from './commands/callback-signature.js';
export { KubentlyError } from './errors/index.js';
export { createApp } from './http/index.js';
export type { AppEnv } from './http/index.js';
export { followReportedPolicies } from './policy/index.js';
export type { PolicyResolver } from './policy/index.js';
export { createServices } from './services.js';
export type { ServerServices, ServiceOverrides } from './services.js';
export { start } from './start.js';
export type { RunningServer } from './start.js';
export { createMemoryState } from './state/index.js';
export type { StateStore } from './state/index.js';
export type { Clock, IdGenerator } from './support/index.js';
