export { AgentError } from './agent-error.js';
export { renderReportAnswer, noModelNotice } from './answer/report-answer.js';
export { parseAgentConfig, providers } from './config/agent-config.js';
export type {
  AgentConfig,
  AgentEnvironment,
  ModelConfig,
  PriceTable,
  Provider,
} from './config/agent-config.js';
export { checkModel, describeModel } from './config/check-model.js';
export type { CheckModelOptions, ModelCheck } from './config/check-model.js';
export { createModelFromConfig } from './config/create-model-from-config.js';
export type { CreateModelOptions } from './config/create-model-from-config.js';
export { agentEventStream } from './loop/agent-event-stream.js';
export type {
  AgentErrorEvent,
  AgentEvent,
  AgentFailureCode,
  AgentFinalEvent,
  StopReason,
  TokenUsage,
} from './loop/agent-event.js';
export type { AgentRequest, AgentServices } from './loop/agent-services.js';
export { createAgent, runAgent } from './loop/create-agent.js';
export type { Agent } from './loop/create-agent.js';
export { clusterFromText, namespaceFromText } from './loop/text-hints.js';
export { estimateCost } from './loop/token-usage.js';
export { systemClock } from './ports/clock.js';
export type { Clock } from './ports/clock.js';
export { kubectlFailureCodes } from './ports/cluster-gateway.js';
export type {
  ClusterGateway,
  DiagnoseRequest,
  KubectlFailureCode,
  KubectlRun,
  RunKubectlRequest,
} from './ports/cluster-gateway.js';
export {
  conversationMessageSchema,
  createMemoryConversationStore,
  trimHistory,
} from './ports/conversation-store.js';
export type { ConversationStore, MemoryConversationStoreOptions } from './ports/conversation-store.js';
export { kubectlRunFromResponse } from './ports/kubectl-run-from-response.js';
export { buildSystemPrompt } from './prompt/system-prompt.js';
export type { SystemPromptInput } from './prompt/system-prompt.js';
export { agentToolNames, createAgentTools } from './tools/create-agent-tools.js';
export type { AgentToolName } from './tools/create-agent-tools.js';
export { executeKubectlInputSchema } from './tools/execute-kubectl-tool.js';
export { scrubSecrets } from './tools/scrub-secrets.js';
export type { ScrubResult } from './tools/scrub-secrets.js';
export type { TodoItem, ToolContext } from './tools/tool-context.js';
export type { ToolOutcome, ToolResult } from './tools/tool-result.js';
export type { AroundToolCall } from './tools/wrap-tool-calls.js';
export { defuseUntrusted, untrustedEnd, untrustedStart, wrapUntrusted } from '@kubently/protocol';
