import { openApiClient } from '../api/index.js';
import { connectionHelp, connectionOptions, parseCommandArgs, requirePositionals } from '../args/index.js';
import type { CommandSpec } from '../command-spec.js';
import { exitCodes } from '../exit-codes.js';
import { escapeTerminal, outputOption, parseOutputFormat, writeDocument } from '../format/index.js';

const usage = 'kubently keys revoke <identity> [-o table|json|yaml]';

export const keysRevokeCommand: CommandSpec = {
  path: ['keys', 'revoke'],
  summary: 'Revoke a managed API key (it stops working at once)',
  help: `Usage: ${usage}

Deletes the key of <identity>; every replica refuses it from the next request on. Needs an admin key.

Flags:
  -o, --output FORMAT   table (default), json or yaml
${connectionHelp}`,
  run: async (argv, io) => {
    const { values, positionals } = parseCommandArgs(argv, { ...connectionOptions, ...outputOption }, usage);
    const [identity] = requirePositionals(positionals, ['identity'], usage) as [string];
    const format = parseOutputFormat(values.output);
    const client = await openApiClient(values, io);
    await client.revokeKey(identity);
    if (!writeDocument(io.stdout, format, { identity, revoked: true }))
      io.stdout.write(`Revoked the key of ${escapeTerminal(identity)} on ${client.url}.\n`);
    return exitCodes.ok;
  },
};
