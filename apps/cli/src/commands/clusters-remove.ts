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

const usage = 'kubently clusters remove <cluster>';

export const clustersRemoveCommand: CommandSpec = {
  path: ['clusters', 'remove'],
  summary: 'Unregister a cluster; its executor token stops working',
  help: `Usage: ${usage}

Removes the cluster from the server: its executor tokens stop working and its executors are
disconnected. Needs an admin key.

${connectionHelp}`,
  run: async (argv, io) => {
    const { values, positionals } = parseCommandArgs(argv, connectionOptions, usage);
    const clusterId = parseClusterId((requirePositionals(positionals, ['cluster'], usage) as [string])[0]);
    const client = await openApiClient(values, io);
    await client.deleteCluster(clusterId);
    io.stdout.write(`Cluster "${clusterId}" removed from ${client.url}.\n`);
    return exitCodes.ok;
  },
};
