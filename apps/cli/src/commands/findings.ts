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
import { outputOption, parseOutputFormat, renderTable, toJsonText } from '../format/index.js';
import { KubentlyError } from '../kubently-error.js';

const usage = 'kubently findings [--cluster ID] [--status open|resolved|all] [--limit N] [-o table|json]';

const statuses = ['open', 'resolved', 'all'] as const;
type StatusFilter = (typeof statuses)[number];

const isStatus = (value: string): value is StatusFilter => (statuses as readonly string[]).includes(value);

export const findingsCommand: CommandSpec = {
  path: ['findings'],
  summary: 'Show the findings history of the continuous checks: each root cause, first/last seen, resolved',
  help: `Usage: ${usage}

Each row is one root cause by its stable fingerprint (the same problem keeps its fingerprint even
when its wording changes). Open findings come first, then the most recently seen.

Flags:
  --cluster ID          only this cluster
  --status STATUS       open, resolved or all (default all)
  --limit N             at most N findings (1-1000, server default 100)
  -o, --output FORMAT   table (default) or json
${connectionHelp}

Any role may read findings of the clusters its key can see.`,
  run: async (argv, io) => {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        ...connectionOptions,
        ...outputOption,
        cluster: { type: 'string' },
        status: { type: 'string' },
        limit: { type: 'string' },
      },
      usage,
    );
    requirePositionals(positionals, [], usage);
    const format = parseOutputFormat(values.output);
    const limit = parseIntegerFlag('limit', values.limit, { min: 1, max: 1000 });
    const status = values.status;
    if (status !== undefined && !isStatus(status)) {
      throw new KubentlyError(
        'usage',
        `--status must be open, resolved or all, not "${status}"\n  usage: ${usage}`,
      );
    }
    const client = await openApiClient(values, io);
    const { findings } = await client.listFindings({ cluster: values.cluster, status, limit });
    if (format === 'json') {
      io.stdout.write(toJsonText({ findings }));
      return exitCodes.ok;
    }
    if (findings.length === 0) {
      io.stdout.write('No findings match.\n');
      return exitCodes.ok;
    }
    const rows = findings.map((finding) => [
      finding.status,
      finding.severity,
      finding.clusterId,
      `${finding.resource.kind}/${finding.resource.namespace === '' ? '' : `${finding.resource.namespace}/`}${finding.resource.name}`,
      finding.rule,
      finding.firstSeenAt,
      finding.lastSeenAt,
      finding.resolvedAt ?? '-',
      String(finding.occurrences),
      finding.fingerprint,
    ]);
    io.stdout.write(
      renderTable(
        [
          'STATUS',
          'SEVERITY',
          'CLUSTER',
          'OBJECT',
          'RULE',
          'FIRST SEEN',
          'LAST SEEN',
          'RESOLVED',
          'TIMES',
          'FINGERPRINT',
        ],
        rows,
      ),
    );
    return exitCodes.ok;
  },
};
