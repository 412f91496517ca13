import { openApiClient } from '../api/index.js';
import { connectionHelp, connectionOptions, parseCommandArgs, requirePositionals } from '../args/index.js';
import type { CommandSpec } from '../command-spec.js';
import { exitCodes } from '../exit-codes.js';
import { listFormats, outputOption, parseOutputFormat, printListing } from '../format/index.js';

const usage = 'kubently clusters list [-o table|wide|json|yaml|name]';

export const clustersListCommand: CommandSpec = {
  path: ['clusters', 'list'],
  summary: 'List registered clusters, whether an executor is connected and its API server answers',
  help: `Usage: ${usage}

Flags:
  -o, --output FORMAT   table (default), wide (more columns), json, yaml or name (one per line)
${connectionHelp}`,
  run: async (argv, io) => {
    const { values, positionals } = parseCommandArgs(argv, { ...connectionOptions, ...outputOption }, usage);
    requirePositionals(positionals, [], usage);
    const format = parseOutputFormat(values.output, listFormats);
    const client = await openApiClient(values, io);
    const { clusters } = await client.listClusters();
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
    printListing(io.stdout, format, {
      document: { clusters },
      names: clusters.map((cluster) => cluster.id),
      header: [
        'CLUSTER',
        'CONNECTED',
        'EXECUTORS',
        'MODE',
        'LAST SEEN',
        'API SERVER',
        'KUBERNETES',
        'EXECUTOR',
      ],
      rows,
      wide: {
        header: ['KUBECTL', 'API SERVER URL', 'CREATED'],
        rows: clusters.map((cluster) => [
          cluster.kubectlVersion ?? '-',
          cluster.apiServer?.server ?? '-',
          cluster.createdAt,
        ]),
      },
      empty: `No clusters registered on ${client.url}. Add one with \`kubently clusters add <cluster>\`.`,
    });
    if (format !== 'table' && format !== 'wide') return exitCodes.ok;
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
