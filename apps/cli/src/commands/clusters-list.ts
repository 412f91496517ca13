import { openApiClient } from '../api/index.js';
import { connectionHelp, connectionOptions, parseCommandArgs, requirePositionals } from '../args/index.js';
import type { CommandSpec } from '../command-spec.js';
import { exitCodes } from '../exit-codes.js';
import { outputOption, parseOutputFormat, renderTable, toJsonText } from '../format/index.js';

const usage = 'kubently clusters list [-o table|json]';

export const clustersListCommand: CommandSpec = {
  path: ['clusters', 'list'],
  summary: 'List registered clusters, whether an executor is connected and its API server answers',
  help: `Usage: ${usage}

Flags:
  -o, --output FORMAT   table (default) or json
${connectionHelp}`,
  run: async (argv, io) => {
    const { values, positionals } = parseCommandArgs(argv, { ...connectionOptions, ...outputOption }, usage);
    requirePositionals(positionals, [], usage);
    const format = parseOutputFormat(values.output);
    const client = await openApiClient(values, io);
    const { clusters } = await client.listClusters();
    if (format === 'json') {
      io.stdout.write(toJsonText({ clusters }));
      return exitCodes.ok;
    }
    if (clusters.length === 0) {
      io.stdout.write(
        `No clusters registered on ${client.url}. Add one with \`kubently clusters add <cluster>\`.\n`,
      );
      return exitCodes.ok;
    }
    const rows = clusters.map((cluster) => [
      cluster.id,
      cluster.connected ? 'yes' : 'no',
      String(cluster.executors),
      cluster.mode ?? '-',
      cluster.lastSeenAt ?? '-',
      cluster.apiServer?.status ?? '-',
      cluster.kubernetesVersion ?? '-',
      cluster.executorVersion ?? '-',
    ]);
    io.stdout.write(
      renderTable(
        ['CLUSTER', 'CONNECTED', 'EXECUTORS', 'MODE', 'LAST SEEN', 'API SERVER', 'KUBERNETES', 'EXECUTOR'],
        rows,
      ),
    );
    // An API server the executor cannot use is the first thing to fix: say why, under the table.
    for (const cluster of clusters) {
      const status = cluster.apiServer;
      if (status === null || status === undefined || status.status === 'reachable') continue;
      io.stdout.write(
        `\n${cluster.id}: the executor reports its API server ${status.server ?? ''} ${status.status} at ${status.checkedAt}${status.message === null ? '' : `: ${status.message}`}\n`,
      );
    }
    return exitCodes.ok;
  },
};
