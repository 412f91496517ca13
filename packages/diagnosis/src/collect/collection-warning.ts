import type { SnapshotKind } from '../snapshot/cluster-snapshot.js';

/** Why a kind (or one namespace of it) was not collected. */
export const collectionProblems = [
  'forbidden',
  'unknown-resource',
  'truncated',
  'invalid-output',
  'timeout',
  'unreachable',
  'denied',
  'failed',
] as const;
export type CollectionProblem = (typeof collectionProblems)[number];

/**
 * A resource that could not be listed, with the reason and what fixes it. Its kind is absent from
 * the snapshot (= not collected: rules relying on it stay silent) unless `kindKept` is true, which
 * happens only for events (the other events API answered, or the namespaces that did list are
 * kept, since no rule concludes "does not exist" from events).
 */
export interface CollectionWarning {
  readonly kind: SnapshotKind;
  /** The resource as listed (`events.events.k8s.io`). */
  readonly resource: string;
  /** Set when listing failed only in these namespaces. */
  readonly namespaces?: readonly string[];
  readonly problem: CollectionProblem;
  /** What kubectl or the runner said (the first failure's message, shortened). */
  readonly message: string;
  readonly fix: string;
  readonly kindKept: boolean;
}

/** One kubectl command the collector ran. */
export interface CollectionCommand {
  readonly args: readonly string[];
  readonly ok: boolean;
  /** Items listed (0 when not ok). */
  readonly items: number;
  readonly ms: number;
  readonly bytes: number;
  readonly truncated: boolean;
  /** When not ok: the problem. */
  readonly problem?: CollectionProblem;
}

/** How a snapshot was collected: every command, how long, and the kinds that are missing and why. */
export interface Collection {
  readonly durationMs: number;
  readonly commands: readonly CollectionCommand[];
  readonly warnings: readonly CollectionWarning[];
  /** Kinds present in the snapshot (complete, or partial events). */
  readonly collected: readonly SnapshotKind[];
  /** Kinds absent from the snapshot. */
  readonly missing: readonly SnapshotKind[];
}
