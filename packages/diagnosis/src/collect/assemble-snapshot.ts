import { clusterSnapshotSchema } from '../snapshot/cluster-snapshot.js';
import type { SnapshotKind } from '../snapshot/cluster-snapshot.js';
import type { CollectedSnapshot, CollectSnapshotOptions } from './collect-snapshot.js';
import { collectContainerLogs } from './collect-container-logs.js';
import type { CollectionProblem, CollectionWarning } from './collection-warning.js';
import type { CollectionRun } from './collection-run.js';
import { dedupeByUid } from './list-items.js';
import type { Failed, SourceOutcome } from './list-items.js';
import { SnapshotCollectionError } from './snapshot-collection-error.js';
import type { SnapshotSource } from './snapshot-sources.js';

export interface AssembleInput {
  readonly options: CollectSnapshotOptions;
  readonly sources: readonly SnapshotSource[];
  readonly settled: readonly PromiseSettledResult<SourceOutcome>[];
  readonly collection: CollectionRun;
  readonly started: number;
}

/** Warnings for every source not listed completely, one per (kind, problem). */
const warningsOf = (
  outcomes: readonly ({ source: SnapshotSource; outcome: SourceOutcome } | undefined)[],
  byKind: ReadonlyMap<SnapshotKind, unknown[]>,
): CollectionWarning[] => {
  const warnings: CollectionWarning[] = [];
  for (const entry of outcomes) {
    if (entry === undefined || entry.outcome.type === 'complete') continue;
    const { source, outcome } = entry;
    const groups = new Map<CollectionProblem, Failed[]>();
    for (const failed of outcome.failed)
      groups.set(failed.problem, [...(groups.get(failed.problem) ?? []), failed]);
    for (const [problem, group] of groups) {
      const first = group[0] as Failed;
      const failedNamespaces = group.flatMap((failed) =>
        failed.namespace === undefined ? [] : [failed.namespace],
      );
      warnings.push({
        kind: source.kind,
        resource: source.resource,
        ...(failedNamespaces.length === 0 ? {} : { namespaces: failedNamespaces }),
        problem,
        message: first.message,
        fix: first.fix,
        kindKept: byKind.has(source.kind),
      });
    }
  }
  return warnings;
};

/**
 * Turns the sources' outcomes into the snapshot and its collection record, then reads the logs of
 * failing containers through kubectl. Throws `SnapshotCollectionError` when a fatal answer stopped
 * the collection or not a single kind could be listed.
 */
export const assembleSnapshot = async (input: AssembleInput): Promise<CollectedSnapshot> => {
  const { options, sources, settled, collection, started } = input;
  const { namespaces } = options;
  const fatal = collection.fatal();
  const outcomes = settled.map((result, index) => {
    if (result.status === 'fulfilled')
      return { source: sources[index] as SnapshotSource, outcome: result.value };
    if (fatal === undefined) throw result.reason;
    return undefined;
  });
  const byKind = new Map<SnapshotKind, unknown[]>();
  for (const entry of outcomes) {
    if (entry === undefined) continue;
    const { source, outcome } = entry;
    if (outcome.type !== 'missing')
      byKind.set(source.kind, [...(byKind.get(source.kind) ?? []), ...outcome.items]);
  }
  const warnings = warningsOf(outcomes, byKind);
  if (fatal !== undefined) {
    throw new SnapshotCollectionError(
      fatal.code,
      `cannot collect a snapshot: ${fatal.failure.message}`,
      fatal.failure.fix,
      warnings,
    );
  }
  if (byKind.size === 0 && sources.length > 0) {
    const first = warnings[0];
    throw new SnapshotCollectionError(
      'nothing_collected',
      `not a single kind could be listed${first === undefined ? '' : `; first error: ${first.message}`}`,
      first?.fix ?? 'check kubectl access to the cluster',
      warnings,
    );
  }
  const lists: Partial<Record<SnapshotKind, unknown[]>> = {};
  for (const [kind, items] of byKind) lists[kind] = kind === 'events' ? dedupeByUid(items) : items;
  const listed = clusterSnapshotSchema.parse({
    collectedAt: new Date(started).toISOString(),
    namespaces: namespaces === 'all' ? 'all' : [...new Set(namespaces)].sort(),
    ...lists,
  });
  const { now, commands } = collection;
  const logs =
    options.logs === false || listed.pods === undefined
      ? undefined
      : await collectContainerLogs({ ...options, snapshot: listed, limits: options.logs ?? {}, now });
  commands.push(...(logs?.commands ?? []));
  const snapshot = logs === undefined ? listed : { ...listed, containerLogs: logs.excerpts };
  const kindsWanted = [...new Set(sources.map((source) => source.kind))];
  return {
    snapshot,
    collection: {
      durationMs: now() - started,
      commands,
      warnings,
      collected: kindsWanted.filter((kind) => byKind.has(kind)),
      missing: kindsWanted.filter((kind) => !byKind.has(kind)),
    },
  };
};
