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
import { outputOption, parseOutputFormat, parseSince, renderTable, toJsonText } from '../format/index.js';

const usage = 'kubently audit [--cluster ID] [--since 30m|ISO] [--limit N] [-o table|json]';

export const auditCommand: CommandSpec = {
  path: ['audit'],
  summary: 'Show the audit log: who ran what where, the decision and the outcome',
  help: `Usage: ${usage}

Flags:
  --cluster ID          only this cluster
  --since WHEN          a duration back from now (45s, 30m, 2h, 1d) or an ISO date-time
  --limit N             at most N records (1-1000, server default 100)
  -o, --output FORMAT   table (default) or json
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
    const format = parseOutputFormat(values.output);
    const limit = parseIntegerFlag('limit', values.limit, { min: 1, max: 1000 });
    const since = values.since === undefined ? undefined : parseSince(values.since, io.now());
    const client = await openApiClient(values, io);
    const { records } = await client.listAudit({ clusterId: values.cluster, since, limit });
    if (format === 'json') {
      io.stdout.write(toJsonText({ records }));
      return exitCodes.ok;
    }
    if (records.length === 0) {
      io.stdout.write('No audit records match.\n');
      return exitCodes.ok;
    }
    const rows = records.map((record) => [
      record.at,
      record.identity,
      record.clusterId,
      record.decision,
      record.outcome,
      record.exitCode === null ? '-' : String(record.exitCode),
      record.durationMs === null ? '-' : `${Math.round(record.durationMs)}ms`,
      truncate(record.argv.join(' '), 60),
      record.reason === null ? '' : truncate(record.reason, 60),
    ]);
    io.stdout.write(
      renderTable(
        ['TIME', 'WHO', 'CLUSTER', 'DECISION', 'OUTCOME', 'EXIT', 'DURATION', 'COMMAND', 'REASON'],
        rows,
      ),
    );
    return exitCodes.ok;
  },
};

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
