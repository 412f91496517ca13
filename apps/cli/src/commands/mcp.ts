import { connectionHelp, connectionOptions, parseCommandArgs } from '../args/index.js';
import type { CommandSpec } from '../command-spec.js';
import { configPaths, readCliConfig, resolveConnection } from '../config/index.js';
import { exitCodes } from '../exit-codes.js';
import { KubentlyError } from '../kubently-error.js';
import { createRemoteBackend, openLocalBackend, serveMcpStdio } from '../mcp/index.js';
import type { McpBackend } from '../mcp/index.js';

const usage = `kubently mcp [--server NAME | --api-url URL --api-key KEY]
       kubently mcp --kubeconfig PATH [--context NAME] [--kubectl PATH]`;

export const mcpCommand: CommandSpec = {
  path: ['mcp'],
  summary: 'Serve the Kubently tools to an MCP client (Claude Desktop, Cursor) over stdio',
  help: `Usage: ${usage}

Speaks the Model Context Protocol on stdin/stdout (stdout carries only protocol messages; messages
for people go to stderr), so an MCP client can start it as a local server. Both protocol eras are
served: the 2026-07-28 revision and 2025-era clients (initialize handshake).

Through a server (default): the tools call the configured Kubently server with your API key; the
server checks every command against its policy and audits it as you.
  Tools: list_clusters, execute_kubectl, get_command_result, create_debug_session, close_session,
         diagnose_cluster, ask_kubently (the server's agent, over A2A)

Locally (--kubeconfig/--context): no server; kubectl runs on this machine for one kubeconfig
context, every command checked against the read-only policy first and Secret values redacted.
  Tools: list_clusters, execute_kubectl, diagnose_cluster, ask_kubently (the agent in-process: the
         model from KUBENTLY_LLM_* or, without one, the diagnosis engine). No sessions or async
         commands: they need a server.

Flags:
  --kubeconfig PATH     kubeconfig to use (selects local mode)
  --context NAME        context of the kubeconfig (default: its current context; selects local mode)
  --kubectl PATH        kubectl to run in local mode (default: KUBENTLY_KUBECTL, else kubectl on PATH)
${connectionHelp}

Claude Desktop / Cursor configuration (with kubently on PATH, e.g. after npm install -g of the
packed CLI; otherwise \`kubently up\` prints the block with absolute node and script paths):
  {"mcpServers": {"kubently": {"command": "kubently", "args": ["mcp"]}}}
  {"mcpServers": {"kubently": {"command": "kubently", "args": ["mcp", "--kubeconfig", "/home/me/.kube/config"]}}}`,
  run: async (argv, io) => {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        ...connectionOptions,
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        kubectl: { type: 'string' },
      },
      usage,
    );
    if (positionals.length > 0) {
      throw new KubentlyError('usage', `unexpected argument "${positionals[0] ?? ''}"\n  usage: ${usage}`);
    }
    const isLocal = values.kubeconfig !== undefined || values.context !== undefined;
    let backend: McpBackend;
    if (isLocal) {
      const serverFlag = (['server', 'api-url', 'api-key'] as const).find(
        (flag) => values[flag] !== undefined,
      );
      if (serverFlag !== undefined) {
        throw new KubentlyError(
          'usage',
          `--${serverFlag} is for serving through a server; local mode (--kubeconfig/--context) talks to the cluster directly`,
        );
      }
      backend = await openLocalBackend(
        { kubeconfig: values.kubeconfig, context: values.context, kubectl: values.kubectl },
        io,
      );
    } else {
      if (values.kubectl !== undefined) {
        throw new KubentlyError(
          'usage',
          '--kubectl applies to local mode only (--kubeconfig); through a server the executor runs kubectl',
        );
      }
      const connection = resolveConnection(values, io, await readCliConfig(configPaths(io).file));
      backend = createRemoteBackend({ connection, fetch: io.fetch, signal: io.signal });
    }
    io.stderr.write(`kubently mcp: serving tools for ${backend.description} on stdio\n`);
    try {
      await serveMcpStdio(io, backend);
    } finally {
      await backend.close?.();
    }
    return exitCodes.ok;
  },
};
