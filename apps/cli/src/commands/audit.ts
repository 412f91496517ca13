import { openApiClient } from '../api/index.js';
import {
  connectionHelp,
  connectionOptions,
  parseCommandArgs,
  parseIntegerFlag,
  requirePositionals,
} from '../args/index.js';
import type { CommandSpec } from '../command-spec.js';
import { exitCodes } from '../exit-codes.js';
import { listFormats, outputOption, parseOutputFormat, parseSince, printListing } from '../format/index.js';

const usage = 'kubently audit [--cluster ID] [--since 30m|ISO] [--limit N] [-o table|wide|json|yaml|name]';

export const auditCommand: CommandSpec = {
  path: ['audit'],
  summary: 'Show the audit log: who ran what where, the decision and the outcome',
  help: `Usage: ${usage}

Flags:
  --cluster ID          only this cluster
  --since WHEN          a duration back from now (45s, 30m, 2h, 1d) or an ISO date-time
  --limit N             at most N records (1-1000, server default 100)
  -o, --output FORMAT   table (default), wide (more columns), json, yaml or name (record ids)
                        wide shows the whole command and reason, and the correlation id
${connectionHelp}

Needs an admin key.`,
  run: async (argv, io) => {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        ...connectionOptions,
        ...outputOption,
        cluster: { type: 'string' },
        since: { type: 'string' },
        limit: { type: 'string' },
      },
      usage,
    );
    requirePositionals(positionals, [], usage);
    const format = parseOutputFormat(values.output, listFormats);
    const limit = parseIntegerFlag('limit', values.limit, { min: 1, max: 1000 });
    const since = values.since === undefined ? undefined : parseSince(values.since, io.now());
    const client = await openApiClient(values, io);
    const { records } = await client.listAudit({ clusterId: values.cluster, since, limit });
    const isWide = format === 'wide';
    const cut = (text: string): string => (isWide ? text : truncate(text, 60));
    const rows = records.map((record) => [
      record.at,
      record.identity,
      record.clusterId,
      record.decision,
      record.outcome,
      record.exitCode === null ? '-' : String(record.exitCode),
      record.durationMs === null ? '-' : `${Math.round(record.durationMs)}ms`,
      cut(record.argv.join(' ')),
      record.reason === null ? '' : cut(record.reason),
    ]);
    printListing(io.stdout, format, {
      document: { records },
      names: records.map((record) => record.id),
      header: ['TIME', 'WHO', 'CLUSTER', 'DECISION', 'OUTCOME', 'EXIT', 'DURATION', 'COMMAND', 'REASON'],
      rows,
      wide: { header: ['CORRELATION'], rows: records.map((record) => [record.correlationId]) },
      empty: 'No audit records match.',
    });
    return exitCodes.ok;
  },
};

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
