import { openApiClient } from '../api/index.js';
import { connectionHelp, connectionOptions, parseCommandArgs, requirePositionals } from '../args/index.js';
import type { CommandSpec } from '../command-spec.js';
import { exitCodes } from '../exit-codes.js';
import { outputOption, parseOutputFormat, toJsonText } from '../format/index.js';
import { keyRows } from './keys-output.js';

const usage = 'kubently keys list [-o table|json]';

export const keysListCommand: CommandSpec = {
  path: ['keys', 'list'],
  summary: 'List API keys: identity, role, cluster scope, expiry, last use (never the keys)',
  help: `Usage: ${usage}

Lists managed keys and those from KUBENTLY_API_KEYS (source "environment"). Needs an admin key.

Flags:
  -o, --output FORMAT   table (default) or json
${connectionHelp}`,
  run: async (argv, io) => {
    const { values, positionals } = parseCommandArgs(argv, { ...connectionOptions, ...outputOption }, usage);
    requirePositionals(positionals, [], usage);
    const format = parseOutputFormat(values.output);
    const client = await openApiClient(values, io);
    const { keys } = await client.listKeys();
    io.stdout.write(format === 'json' ? toJsonText({ keys }) : keyRows(keys));
    return exitCodes.ok;
  },
};
