import { openApiClient } from '../api/index.js';
import { connectionHelp, connectionOptions, parseCommandArgs, requirePositionals } from '../args/index.js';
import type { CommandSpec } from '../command-spec.js';
import { exitCodes } from '../exit-codes.js';
import { outputOption, parseDuration, parseOutputFormat } from '../format/index.js';
import { printIssuedKey } from './keys-output.js';

const usage = 'kubently keys rotate <identity> [--overlap 10m] [-o table|json|yaml]';

export const keysRotateCommand: CommandSpec = {
  path: ['keys', 'rotate'],
  summary: 'Issue a new key for an identity; the old one works for an overlap window',
  help: `Usage: ${usage}

Prints the new key once. The previous key keeps working for the overlap (server default
KUBENTLY_TOKEN_OVERLAP_SECONDS, 5 minutes) so clients can switch. Needs an admin key.

Flags:
  --overlap DURATION    how long the previous key keeps working, e.g. 0s, 10m, 1h
  -o, --output FORMAT   table (default), json or yaml
${connectionHelp}`,
  run: async (argv, io) => {
    const { values, positionals } = parseCommandArgs(
      argv,
      { ...connectionOptions, ...outputOption, overlap: { type: 'string' } },
      usage,
    );
    const [identity] = requirePositionals(positionals, ['identity'], usage) as [string];
    const format = parseOutputFormat(values.output);
    const overlap = values.overlap === undefined ? undefined : parseDuration(values.overlap, '--overlap');
    const client = await openApiClient(values, io);
    printIssuedKey(io, await client.rotateKey(identity, overlap), format, client.url);
    return exitCodes.ok;
  },
};
