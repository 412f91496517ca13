import { openApiClient } from '../api/index.js';
import { connectionHelp, connectionOptions, parseCommandArgs, requirePositionals } from '../args/index.js';
import type { CommandSpec } from '../command-spec.js';
import { exitCodes } from '../exit-codes.js';
import { listFormats, outputOption, parseOutputFormat, printListing } from '../format/index.js';
import { keyCells, keyHeader } from './keys-output.js';

const usage = 'kubently keys list [-o table|wide|json|yaml|name]';

export const keysListCommand: CommandSpec = {
  path: ['keys', 'list'],
  summary: 'List API keys: identity, role, cluster scope, expiry, last use (never the keys)',
  help: `Usage: ${usage}

Lists managed keys and those from KUBENTLY_API_KEYS (source "environment"). Needs an admin key.

Flags:
  -o, --output FORMAT   table (default), wide (more columns), json, yaml or name (one per line)
${connectionHelp}`,
  run: async (argv, io) => {
    const { values, positionals } = parseCommandArgs(argv, { ...connectionOptions, ...outputOption }, usage);
    requirePositionals(positionals, [], usage);
    const format = parseOutputFormat(values.output, listFormats);
    const client = await openApiClient(values, io);
    const { keys } = await client.listKeys();
    printListing(io.stdout, format, {
      document: { keys },
      names: keys.map((key) => key.identity),
      header: keyHeader,
      rows: keys.map(keyCells),
      wide: { header: ['CREATED'], rows: keys.map((key) => [key.createdAt ?? '-']) },
      empty: `No API keys on ${client.url}. Create one with \`kubently keys create <identity> --role viewer\`.`,
    });
    return exitCodes.ok;
  },
};
