import { connectionHelp, connectionOptions, parseCommandArgs } from '../args/index.js';
import type { CommandSpec } from '../command-spec.js';
import { configPaths, readCliConfig, resolveConnection } from '../config/index.js';
import { exitCodes } from '../exit-codes.js';
import { KubentlyError } from '../kubently-error.js';
import { createRemoteBackend, serveMcpStdio } from '../mcp/index.js';

const usage = 'kubently mcp [--server NAME | --api-url URL --api-key KEY]';

export const mcpCommand: CommandSpec = {
  path: ['mcp'],
  summary: 'Serve the Kubently tools to an MCP client (Claude Desktop, Cursor) over stdio',
  help: `Usage: ${usage}

Speaks the Model Context Protocol on stdin/stdout (stdout carries only protocol messages; messages
for people go to stderr), so an MCP client can start it as a local server. The tools act on the
configured Kubently server through its REST API with your API key: the server checks every
command against its policy and audits it as you.

Tools: list_clusters, execute_kubectl, get_command_result, create_debug_session, close_session.

${connectionHelp}

Claude Desktop / Cursor configuration:
  {"mcpServers": {"kubently": {"command": "kubently", "args": ["mcp"]}}}`,
  run: async (argv, io) => {
    const { values, positionals } = parseCommandArgs(argv, { ...connectionOptions }, usage);
    if (positionals.length > 0) {
      throw new KubentlyError('usage', `unexpected argument "${positionals[0] ?? ''}"\n  usage: ${usage}`);
    }
    const connection = resolveConnection(values, io, await readCliConfig(configPaths(io).file));
    const backend = createRemoteBackend({ connection, fetch: io.fetch, signal: io.signal });
    io.stderr.write(`kubently mcp: serving tools for ${backend.description} on stdio\n`);
    await serveMcpStdio(io, backend);
    return exitCodes.ok;
  },
};
