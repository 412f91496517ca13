import type { ToolSet } from 'ai';

import { diagnoseTool } from './diagnose-tool.js';
import { executeKubectlTool } from './execute-kubectl-tool.js';
import { getEventsTool } from './get-events-tool.js';
import { listClustersTool } from './list-clusters-tool.js';
import { searchLogsTool } from './search-logs-tool.js';
import type { ToolContext } from './tool-context.js';
import { todoReadTool, todoWriteTool } from './todo-tools.js';

/** The agent's tool set; `diagnose` is offered only when the gateway can diagnose. */
export function createAgentTools(context: ToolContext): ToolSet {
  const common = {
    list_clusters: listClustersTool(context),
    execute_kubectl: executeKubectlTool(context),
    get_events: getEventsTool(context),
    search_logs: searchLogsTool(context),
    todo_write: todoWriteTool(context),
    todo_read: todoReadTool(context),
  };
  return context.gateway.diagnose === undefined ? common : { ...common, diagnose: diagnoseTool(context) };
}

export const agentToolNames = [
  'list_clusters',
  'execute_kubectl',
  'diagnose',
  'get_events',
  'search_logs',
  'todo_write',
  'todo_read',
] as const;
export type AgentToolName = (typeof agentToolNames)[number];
