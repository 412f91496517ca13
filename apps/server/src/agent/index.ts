export { createAgentService, scopedConversationId } from './agent-service.js';
export type {
  AgentLanguageModel,
  AgentRunInput,
  AgentService,
  AgentServiceOptions,
} from './agent-service.js';
export { createServerClusterGateway } from './server-cluster-gateway.js';
export type {
  DiagnoseFunction,
  DiagnosisReport,
  ServerClusterGatewayOptions,
} from './server-cluster-gateway.js';
