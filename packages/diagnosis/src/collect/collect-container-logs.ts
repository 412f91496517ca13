import { extractLogSignatures, quoteLogLine } from '../logs/index.js';
import type { ContainerLogExcerpt } from '../logs/index.js';
import type { ClusterSnapshot } from '../snapshot/cluster-snapshot.js';
import type { CollectionCommand } from './collection-warning.js';
import { createConcurrencyLimit } from './concurrency-limit.js';
import { failingContainers } from './failing-containers.js';
import type { FailingContainer } from './failing-containers.js';
import type { KubectlRun } from './kubectl-run.js';

export interface LogLimits {
  /** Containers whose logs are read (default 12; 0 reads none). */
  readonly maxContainers?: number;
  /** `--tail` lines per log (default 200). */
  readonly tailLines?: number;
  /** `--limit-bytes` per log (default 65,536). */
  readonly limitBytes?: number;
}

export interface CollectContainerLogsOptions {
  readonly run: KubectlRun;
  readonly snapshot: ClusterSnapshot;
  readonly signal: AbortSignal;
  /** Commands in flight at once (default 4). */
  readonly concurrency?: number;
  readonly limits?: LogLimits;
  readonly now?: () => number;
}

export interface CollectedLogs {
  readonly excerpts: ContainerLogExcerpt[];
  readonly commands: CollectionCommand[];
}

/** The argv (without `kubectl`) that reads one bounded log; the read-only policy allows it. */
export const containerLogArgs = (
  target: Pick<FailingContainer, 'namespace' | 'pod' | 'container'>,
  previous: boolean,
  limits: Required<LogLimits>,
): string[] => [
  'logs',
  target.pod,
  '-n',
  target.namespace,
  '-c',
  target.container,
  `--tail=${String(limits.tailLines)}`,
  `--limit-bytes=${String(limits.limitBytes)}`,
  ...(previous ? ['--previous'] : []),
];

const lastLineOf = (text: string): string | undefined => {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const last = lines.at(-1);
  return last === undefined ? undefined : quoteLogLine(last);
};

/**
 * Reads a bounded tail of the current and previous logs of the failing containers (at most
 * `maxContainers`, one per workload and container name) and keeps only their error signatures:
 * quoted lines, redacted and escaped. A log that cannot be read (pod gone, no previous instance,
 * `logs` forbidden) is left out; the command is listed with `ok: false`, never as a warning, since
 * no rule concludes anything from a missing log.
 */
export const collectContainerLogs = async (options: CollectContainerLogsOptions): Promise<CollectedLogs> => {
  const limits: Required<LogLimits> = {
    maxContainers: options.limits?.maxContainers ?? 12,
    tailLines: options.limits?.tailLines ?? 200,
    limitBytes: options.limits?.limitBytes ?? 65_536,
  };
  const now = options.now ?? Date.now;
  const limit = createConcurrencyLimit(options.concurrency ?? 4, options.signal);
  const reads = failingContainers(options.snapshot, limits.maxContainers).flatMap((target) =>
    (target.restarted ? [false, true] : [false]).map((previous) => ({ target, previous })),
  );
  const results = await Promise.all(
    reads.map(({ target, previous }) =>
      limit(async () => {
        const args = containerLogArgs(target, previous, limits);
        const started = now();
        const outcome = await options.run(args, options.signal);
        const ok = outcome.type === 'result' && outcome.exitCode === 0 && !outcome.truncated;
        const text = ok ? outcome.stdout : '';
        const signatures = extractLogSignatures(text);
        const command: CollectionCommand = {
          args,
          ok,
          items: signatures.length,
          ms: now() - started,
          bytes: outcome.type === 'result' ? outcome.stdout.length : 0,
          truncated: outcome.type === 'result' && outcome.truncated,
          ...(ok ? {} : { problem: 'failed' as const }),
        };
        const lastLine = signatures.length === 0 ? lastLineOf(text) : undefined;
        const excerpt: ContainerLogExcerpt | undefined =
          !ok || (signatures.length === 0 && lastLine === undefined)
            ? undefined
            : {
                namespace: target.namespace,
                pod: target.pod,
                container: target.container,
                previous,
                command: `kubectl ${args.join(' ')}`,
                signatures,
                ...(lastLine === undefined ? {} : { lastLine }),
              };
        return { command, excerpt };
      }),
    ),
  );
  return {
    excerpts: results.flatMap(({ excerpt }) => (excerpt === undefined ? [] : [excerpt])),
    commands: results.map(({ command }) => command),
  };
};
