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

const usage = 'kubently clusters add <cluster> [-o table|json|yaml]';

export const clustersAddCommand: CommandSpec = {
  path: ['clusters', 'add'],
  summary: 'Register a cluster and print its executor token (once)',
  help: `Usage: ${usage}

Registers a cluster id (a DNS label such as "prod-eu") and prints its executor token once, with the
exact command that starts an executor with it. Needs an admin key.

Flags:
  -o, --output FORMAT   table (default, human text), json or yaml ({id, token, createdAt})
${connectionHelp}`,
  run: async (argv, io) => {
    const { values, positionals } = parseCommandArgs(argv, { ...connectionOptions, ...outputOption }, usage);
    const clusterId = parseClusterId((requirePositionals(positionals, ['cluster'], usage) as [string])[0]);
    const format = parseOutputFormat(values.output);
    const client = await openApiClient(values, io);
    const response = await client.createCluster(clusterId);
    if (!writeDocument(io.stdout, format, response))
      await printExecutorToken(io, client.url, response, 'registered');
    return exitCodes.ok;
  },
};
