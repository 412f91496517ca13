import type { CallToolResult, McpServer, ServerContext } from '@modelcontextprotocol/server';

import {
  askContent,
  clustersContent,
  commandContent,
  diagnosisContent,
  mcpOutputLimits,
  mcpTools,
  quotedFailureText,
} from '@kubently/protocol';
import type { McpCommandResult, McpContent } from '@kubently/protocol';

import { KubentlyError } from '../kubently-error.js';
import type { McpBackend } from './mcp-backend.js';
import { McpToolError } from './tool-error.js';

const success = (structured: Record<string, unknown>, text: string): CallToolResult => ({
  content: [{ type: 'text', text }],
  structuredContent: structured,
});

const answer = (content: McpContent): CallToolResult => success(content.structuredContent, content.text);

/** `code: message`; `quoting` when the message may quote the cluster (diagnosis, agent runs). */
const failure = (error: unknown, quoting: boolean): CallToolResult => {
  const known = error instanceof KubentlyError || error instanceof McpToolError;
  const code = known ? error.code : 'internal';
  const message = error instanceof Error ? error.message : String(error);
  const text = quoting ? quotedFailureText(code, message) : `${code}: ${message}`;
  return { content: [{ type: 'text', text }], isError: true };
};

const commandAnswer = (result: McpCommandResult): CallToolResult => ({
  ...answer(commandContent(result)),
  isError: result.status === 'failed',
});

const guard =
  <Args>(run: (args: Args, ctx: ServerContext) => Promise<CallToolResult>, quoting = false) =>
  async (args: Args, ctx: ServerContext): Promise<CallToolResult> => {
    try {
      return await run(args, ctx);
    } catch (error) {
      return failure(error, quoting);
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
      return answer(clustersContent(clusters, 'No clusters registered.'));
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
        const result = await diagnose(args.clusterId, args.namespaces, ctx.mcpReq.signal, args.include);
        return answer(diagnosisContent(result));
      }, true),
    );
  }
  if (ask !== undefined) {
    server.registerTool(
      tools.ask_kubently.name,
      tools.ask_kubently,
      guard(async (args, ctx) => {
        const progress = progressSender(ctx);
        const asked = await ask(args, ctx.mcpReq.signal, (message) => {
          progress.send(message);
        });
        await progress.flushed();
        return answer(askContent(asked));
      }, true),
    );
  }
};
