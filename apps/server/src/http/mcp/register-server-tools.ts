import type { CallToolResult, McpServer, ServerContext } from '@modelcontextprotocol/server';

import {
  askContent,
  clustersContent,
  commandContent,
  diagnosisContent,
  mcpOutputLimits,
  quotedFailureText,
  toMcpCommandResult,
  toMcpDiagnosis,
} from '@kubently/protocol';
import type { McpAskAnswer, McpToolName } from '@kubently/protocol';

import { isAllowed } from '../../auth/permissions.js';
import type { Permission } from '../../auth/permissions.js';
import { toCommandResponse } from '../../commands/command-response.js';
import { isKubentlyError } from '../../errors/kubently-error.js';
import type { CommandRecord } from '../../state/command-store.js';
import { serverMcpTools as mcpTools } from './cached-tool-schemas.js';
import type { McpAgentEvent, McpCaller, McpServices } from './mcp-ports.js';
import { toolAnswer, toolFailureFrom, toolFailureText, toolSuccess } from './tool-result.js';

/** The REST permission each tool needs (docs/api.md matrix); a tool the role lacks is not listed. */
const permissionOf: Readonly<Record<McpToolName, Permission>> = {
  list_clusters: 'clusters:read',
  create_debug_session: 'sessions:write',
  execute_kubectl: 'commands:run',
  get_command_result: 'commands:read',
  close_session: 'sessions:write',
  diagnose_cluster: 'commands:run',
  ask_kubently: 'commands:run',
};

const commandAnswer = (record: CommandRecord): CallToolResult => {
  const result = toMcpCommandResult(toCommandResponse(record));
  return { ...toolAnswer(commandContent(result)), isError: result.status === 'failed' };
};

/** One progress line for an agent event, or null for events not worth a notification (text deltas). */
const progressMessage = (event: McpAgentEvent): string | null => {
  switch (event.type) {
    case 'tool-call-started':
      return `running ${event.tool ?? 'tool'} ${JSON.stringify(event.args ?? {})}`;
    case 'tool-call-finished':
      return `${event.tool ?? 'tool'}: ${event.summary ?? event.outcome ?? 'done'} (${Math.round(event.durationMs ?? 0)} ms)`;
    default:
      return null;
  }
};

/** Sends `notifications/progress` in order when the client asked for progress; never throws. */
const progressReporter = (ctx: ServerContext, services: McpServices, correlationId: string) => {
  const token = ctx.mcpReq._meta?.progressToken;
  let sent = 0;
  let chain = Promise.resolve();
  return {
    report(message: string): void {
      if (token === undefined) return;
      sent += 1;
      const progress = sent;
      chain = chain
        .then(() =>
          ctx.mcpReq.notify({
            method: 'notifications/progress',
            params: { progressToken: token, progress, message },
          }),
        )
        .catch((error: unknown) => {
          services.logger.debug({ err: error, correlationId }, 'mcp progress notification not sent');
        });
    },
    flushed: (): Promise<void> => chain,
  };
};

/**
 * Registers the tools `who` may use on a fresh per-request server. Every command goes through the
 * CommandService (policy, audit with the caller's identity, source `mcp`).
 */
export const registerServerTools = (server: McpServer, services: McpServices, who: McpCaller): void => {
  const { caller, correlationId } = who;
  const { logger } = services;
  const may = (name: McpToolName): boolean => isAllowed(caller.role, permissionOf[name]);
  const guard =
    <Args>(run: (args: Args, ctx: ServerContext) => Promise<CallToolResult>) =>
    async (args: Args, ctx: ServerContext): Promise<CallToolResult> => {
      try {
        return await run(args, ctx);
      } catch (error) {
        return toolFailureFrom(error, logger, correlationId);
      }
    };

  if (may('list_clusters')) {
    const tool = mcpTools.list_clusters;
    server.registerTool(
      tool.name,
      tool,
      guard(async () => {
        const clusters = await services.clusters.list(caller);
        return toolAnswer(
          clustersContent(
            clusters,
            'No clusters registered. Register one with `kubently clusters add` and start its executor.',
          ),
        );
      }),
    );
  }

  if (may('create_debug_session')) {
    const tool = mcpTools.create_debug_session;
    server.registerTool(
      tool.name,
      tool,
      guard(async (args) => {
        const session = await services.sessions.open({
          clusterId: args.clusterId,
          ttlSeconds: args.ttlSeconds,
          correlationId,
          caller,
        });
        return toolSuccess(
          session,
          `Session ${session.id} on cluster ${session.clusterId}, expires ${session.expiresAt} (extended by each command).`,
        );
      }),
    );
  }

  if (may('execute_kubectl')) {
    const tool = mcpTools.execute_kubectl;
    server.registerTool(
      tool.name,
      tool,
      guard(async (args, ctx) => {
        const record = await services.commands.submit({
          clusterId: args.clusterId,
          args: args.args,
          namespace: args.namespace,
          timeoutSeconds: args.timeoutSeconds ?? mcpOutputLimits.defaultTimeoutSeconds,
          sessionId: args.sessionId,
          caller,
          correlationId,
          source: 'mcp',
          wait: args.wait ?? true,
          signal: ctx.mcpReq.signal,
        });
        return commandAnswer(record);
      }),
    );
  }

  if (may('get_command_result')) {
    const tool = mcpTools.get_command_result;
    server.registerTool(
      tool.name,
      tool,
      guard(async (args) => commandAnswer(await services.commands.get(args.commandId, caller))),
    );
  }

  if (may('close_session')) {
    const tool = mcpTools.close_session;
    server.registerTool(
      tool.name,
      tool,
      guard(async (args) => {
        await services.sessions.close(args.sessionId, caller);
        return toolSuccess({ sessionId: args.sessionId, closed: true }, `Session ${args.sessionId} closed.`);
      }),
    );
  }

  const { diagnosis } = services;
  if (diagnosis !== undefined && may('diagnose_cluster')) {
    const tool = mcpTools.diagnose_cluster;
    server.registerTool(
      tool.name,
      tool,
      guard(async (args, ctx) => {
        try {
          const { report } = await diagnosis.diagnose({
            clusterId: args.clusterId,
            namespaces: args.namespaces,
            include: args.include,
            caller,
            correlationId,
            signal: ctx.mcpReq.signal,
          });
          return toolAnswer(diagnosisContent(toMcpDiagnosis(args.clusterId, report)));
        } catch (error) {
          // A collection failure quotes kubectl's stderr from the cluster.
          if (!isKubentlyError(error)) throw error;
          return toolFailureText(quotedFailureText(error.code, error.message));
        }
      }),
    );
  }

  const { agent } = services;
  if (agent !== undefined && may('ask_kubently')) {
    const tool = mcpTools.ask_kubently;
    server.registerTool(
      tool.name,
      tool,
      guard(async (args, ctx) => {
        const progress = progressReporter(ctx, services, correlationId);
        const conversationId = args.conversationId ?? correlationId;
        const outcome = await agent.run({
          caller,
          correlationId,
          question: args.question,
          conversationId,
          clusterId: args.clusterId,
          namespace: args.namespace,
          signal: ctx.mcpReq.signal,
          source: 'mcp',
          onEvent: (event) => {
            const message = progressMessage(event);
            if (message !== null) progress.report(message);
          },
        });
        await progress.flushed();
        if (outcome.type === 'error')
          return toolFailureText(quotedFailureText(outcome.code, outcome.message));
        const answer: McpAskAnswer = {
          answer: outcome.answer,
          mode: outcome.mode,
          stopReason: outcome.stopReason,
          steps: outcome.steps,
          usage: outcome.usage,
          costUsd: outcome.costUsd,
          conversationId,
        };
        return toolAnswer(askContent(answer));
      }),
    );
  }
};
