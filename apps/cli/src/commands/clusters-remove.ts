import { openApiClient } from '../api/index.js';
import {
  connectionHelp,
  connectionOptions,
  parseClusterId,
  parseCommandArgs,
  requirePositionals,
} from '../args/index.js';
import type { CommandSpec } from '../command-spec.js';
import { confirm } from '../confirm.js';
import { exitCodes } from '../exit-codes.js';

const usage = 'kubently clusters remove <cluster> [--yes]';

export const clustersRemoveCommand: CommandSpec = {
  path: ['clusters', 'remove'],
  summary: 'Unregister a cluster; its executor token stops working (alias: rm)',
  help: `Usage: ${usage}

Removes the cluster from the server: its executor tokens stop working and its executors are
disconnected. Needs an admin key. Asks first on a terminal; scripts pass --yes.

Flags:
  -y, --yes   remove without asking
${connectionHelp}`,
  run: async (argv, io) => {
    const { values, positionals } = parseCommandArgs(
      argv,
      { ...connectionOptions, yes: { type: 'boolean', short: 'y' } },
      usage,
    );
    const clusterId = parseClusterId((requirePositionals(positionals, ['cluster'], usage) as [string])[0]);
    const client = await openApiClient(values, io);
    const question = `Remove cluster "${clusterId}" from ${client.url} (its executors are disconnected)?`;
    if (!(await confirm(io, question, values.yes === true, `kubently clusters remove ${clusterId} --yes`))) {
      io.stderr.write('Nothing removed.\n');
      return exitCodes.ok;
    }
    await client.deleteCluster(clusterId);
    io.stdout.write(`Cluster "${clusterId}" removed from ${client.url}.\n`);
    return exitCodes.ok;
  },
};
