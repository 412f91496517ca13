import { openApiClient } from '../api/index.js';
import {
  connectionHelp,
  connectionOptions,
  parseClusterId,
  parseCommandArgs,
  requirePositionals,
} from '../args/index.js';
import type { CommandSpec } from '../command-spec.js';
import { exitCodes } from '../exit-codes.js';
import { outputOption, parseOutputFormat, writeDocument } from '../format/index.js';
import { printExecutorToken } from './print-executor-token.js';

const usage = 'kubently clusters rotate-token <cluster> [-o table|json|yaml]';

export const clustersRotateTokenCommand: CommandSpec = {
  path: ['clusters', 'rotate-token'],
  summary: 'Issue a new executor token for a cluster (the old one works for a short overlap)',
  help: `Usage: ${usage}

Issues a new executor token and prints it once. The previous token keeps working for an overlap
(server default 5 minutes) so the executor can be restarted with the new one. Needs an admin key.

Flags:
  -o, --output FORMAT   table (default, human text) or json
${connectionHelp}`,
  run: async (argv, io) => {
    const { values, positionals } = parseCommandArgs(argv, { ...connectionOptions, ...outputOption }, usage);
    const clusterId = parseClusterId((requirePositionals(positionals, ['cluster'], usage) as [string])[0]);
    const format = parseOutputFormat(values.output);
    const client = await openApiClient(values, io);
    const response = await client.rotateClusterToken(clusterId);
    if (!writeDocument(io.stdout, format, response))
      await printExecutorToken(io, client.url, response, 'has a new executor token');
    return exitCodes.ok;
  },
};
