import type { CallToolResult, McpServer, ServerContext } from '@modelcontextprotocol/server';

import { commandResultText, diagnosisText, mcpOutputLimits, mcpTools } from '@kubently/protocol';
import type { McpCommandResult } from '@kubently/protocol';

import { KubentlyError } from '../kubently-error.js';
import type { McpBackend } from './mcp-backend.js';
import { McpToolError } from './tool-error.js';

const success = (structured: Record<string, unknown>, text: string): CallToolResult => ({
  content: [{ type: 'text', text }],
  structuredContent: structured,
});

const failure = (error: unknown): CallToolResult => {
  const text =
    error instanceof KubentlyError || error instanceof McpToolError
      ? `${error.code}: ${error.message}`
      : `internal: ${error instanceof Error ? error.message : String(error)}`;
  return { content: [{ type: 'text', text }], isError: true };
};

const commandAnswer = (result: McpCommandResult): CallToolResult => ({
  ...success(result, commandResultText(result)),
  isError: result.status === 'failed',
});

const guard =
  <Args>(run: (args: Args, ctx: ServerContext) => Promise<CallToolResult>) =>
  async (args: Args, ctx: ServerContext): Promise<CallToolResult> => {
    try {
      return await run(args, ctx);
    } catch (error) {
      return failure(error);
    }
  };

/** Sends `notifications/progress` in order when the client sent a progressToken. */
const progressSender = (ctx: ServerContext) => {
  const token = ctx.mcpReq._meta?.progressToken;
  let sent = 0;
  let chain = Promise.resolve();
  return {
    send(message: string): void {
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
        .catch(() => undefined);
    },
    flushed: (): Promise<void> => chain,
  };
};

/** Registers the shared tool definitions (packages/protocol) for what `backend` can do. */
export const registerCliTools = (server: McpServer, backend: McpBackend): void => {
  const tools = mcpTools;
  server.registerTool(
    tools.list_clusters.name,
    tools.list_clusters,
    guard(async (_args, ctx) => {
      const clusters = await backend.listClusters(ctx.mcpReq.signal);
      const text =
        clusters.length === 0
          ? 'No clusters registered.'
          : clusters
              .map(
                (cluster) =>
                  `${cluster.id}: ${cluster.connected ? `connected (mode ${cluster.mode ?? 'unknown'})` : 'no executor connected'}`,
              )
              .join('\n');
      return success({ clusters: [...clusters] }, text);
    }),
  );
  server.registerTool(
    tools.execute_kubectl.name,
    tools.execute_kubectl,
    guard(async (args, ctx) =>
      commandAnswer(
        await backend.executeKubectl(
          {
            clusterId: args.clusterId,
            args: args.args,
            namespace: args.namespace,
            sessionId: args.sessionId,
            timeoutSeconds: args.timeoutSeconds ?? mcpOutputLimits.defaultTimeoutSeconds,
            wait: args.wait ?? true,
          },
          ctx.mcpReq.signal,
        ),
      ),
    ),
  );
  const { getCommandResult, createSession, closeSession, diagnose, ask } = backend;
  if (getCommandResult !== undefined) {
    server.registerTool(
      tools.get_command_result.name,
      tools.get_command_result,
      guard(async (args, ctx) => commandAnswer(await getCommandResult(args.commandId, ctx.mcpReq.signal))),
    );
  }
  if (createSession !== undefined) {
    server.registerTool(
      tools.create_debug_session.name,
      tools.create_debug_session,
      guard(async (args, ctx) => {
        const session = await createSession(args.clusterId, args.ttlSeconds, ctx.mcpReq.signal);
        return success(
          session,
          `Session ${session.id} on cluster ${session.clusterId}, expires ${session.expiresAt} (extended by each command).`,
        );
      }),
    );
  }
  if (closeSession !== undefined) {
    server.registerTool(
      tools.close_session.name,
      tools.close_session,
      guard(async (args, ctx) => {
        await closeSession(args.sessionId, ctx.mcpReq.signal);
        return success({ sessionId: args.sessionId, closed: true }, `Session ${args.sessionId} closed.`);
      }),
    );
  }
  if (diagnose !== undefined) {
    server.registerTool(
      tools.diagnose_cluster.name,
      tools.diagnose_cluster,
      guard(async (args, ctx) => {
        const result = await diagnose(args.clusterId, args.namespaces, ctx.mcpReq.signal);
        return success(result, diagnosisText(result));
      }),
    );
  }
  if (ask !== undefined) {
    server.registerTool(
      tools.ask_kubently.name,
      tools.ask_kubently,
      guard(async (args, ctx) => {
        const progress = progressSender(ctx);
        const answer = await ask(args, ctx.mcpReq.signal, (message) => {
          progress.send(message);
        });
        await progress.flushed();
        return success(answer, answer.answer);
      }),
    );
  }
};
