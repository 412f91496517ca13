export { registerMcpRoute } from './mcp-route.js';
export type { McpRouteOptions } from './mcp-route.js';
export type {
  McpAgentEvent,
  McpAgentOutcome,
  McpAgentPort,
  McpCaller,
  McpDiagnosisPort,
  McpServices,
} from './mcp-ports.js';
