import { openApiClient } from '../api/index.js';
import { connectionHelp, connectionOptions, parseCommandArgs, requirePositionals } from '../args/index.js';
import type { CommandSpec } from '../command-spec.js';
import { exitCodeFor } from '../exit-code-for.js';
import { exitCodes } from '../exit-codes.js';
import { escapeTerminal, parseOutputFormat, writeDocument } from '../format/index.js';
import { KubentlyError } from '../kubently-error.js';
import { cliVersion } from '../version.js';

const usage = 'kubently version [--client] [-o text|json|yaml]';
const versionFormats = ['text', 'json', 'yaml'] as const;

export const versionCommand: CommandSpec = {
  path: ['version'],
  summary: "Show this CLI's version and the server's (kubently --version: the CLI's only)",
  help: `Usage: ${usage}

Prints the client version, then the version the current server reports on /healthz (no API key
needed). An unreachable server is reported with its fix and a non-zero exit, as kubectl does.

Flags:
  --client              only the client; never contacts a server
  -o, --output FORMAT   text (default), json or yaml: {client, server: {url, version} | null}
${connectionHelp}`,
  run: async (argv, io) => {
    const { values, positionals } = parseCommandArgs(
      argv,
      { ...connectionOptions, client: { type: 'boolean' }, output: { type: 'string', short: 'o' } },
      usage,
    );
    requirePositionals(positionals, [], usage);
    const format = parseOutputFormat(values.output, versionFormats);
    const isText = format === 'text';
    if (isText) io.stdout.write(`Client: kubently ${cliVersion}\n`);
    if (values.client === true) {
      if (!isText) writeDocument(io.stdout, format, { client: cliVersion, server: null });
      return exitCodes.ok;
    }
    const client = await openApiClient(values, io);
    try {
      const health = await client.health();
      const version = escapeTerminal(health.version);
      if (isText) io.stdout.write(`Server: kubently ${version} at ${client.url}\n`);
      else writeDocument(io.stdout, format, { client: cliVersion, server: { url: client.url, version } });
      return exitCodes.ok;
    } catch (error) {
      if (!(error instanceof KubentlyError)) throw error;
      io.stderr.write(`Server: ${escapeTerminal(error.message)}\n`);
      if (!isText) writeDocument(io.stdout, format, { client: cliVersion, server: null });
      return exitCodeFor(error.code);
    }
  },
};
