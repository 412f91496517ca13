import { clusterSnapshotSchema } from '../snapshot/cluster-snapshot.js';
import type { ClusterSnapshot, SnapshotKind } from '../snapshot/cluster-snapshot.js';
import { summarizeConfigMap, summarizeSecret } from '../snapshot/summarize.js';
import { classifyFailure } from './classify-failure.js';
import type { ClassifiedFailure } from './classify-failure.js';
import type {
  Collection,
  CollectionCommand,
  CollectionProblem,
  CollectionWarning,
} from './collection-warning.js';
import { collectContainerLogs } from './collect-container-logs.js';
import type { LogLimits } from './collect-container-logs.js';
import { createConcurrencyLimit } from './concurrency-limit.js';
import type { KubectlOutcome, KubectlRun } from './kubectl-run.js';
import { SnapshotCollectionError } from './snapshot-collection-error.js';
import { bundleArgs, listArgs, namespaceListArgs, snapshotSources } from './snapshot-sources.js';
import { sortBundle } from './sort-bundle.js';
import type { ListScope, SnapshotSource } from './snapshot-sources.js';

export interface CollectionLimits {
  /**
   * When a cluster-wide list is truncated at the runner's output cap, the kind is listed again one
   * namespace at a time, if the cluster has at most this many namespaces (default 500).
   */
  readonly maxFallbackNamespaces?: number;
}

export interface CollectSnapshotOptions {
  readonly run: KubectlRun;
  /** `"all"` lists with `-A`; a list of namespaces lists each with `-n` (cluster-scoped kinds once). */
  readonly namespaces: 'all' | readonly string[];
  readonly signal: AbortSignal;
  /** Commands in flight at once (default 6). */
  readonly concurrency?: number;
  readonly limits?: CollectionLimits;
  /** Only these kinds (default: every kind of the snapshot schema). */
  readonly kinds?: readonly SnapshotKind[];
  /** Milliseconds since the epoch; stamps `collectedAt` and times commands (default `Date.now`). */
  readonly now?: () => number;
  /**
   * Bounds for reading the logs of failing containers after the lists (default: 12 containers,
   * 200 lines, 64 KiB each, current and previous); `false` reads no log.
   */
  readonly logs?: LogLimits | false;
}

export interface CollectedSnapshot {
  readonly snapshot: ClusterSnapshot;
  readonly collection: Collection;
}

type ListOutcome =
  | { readonly type: 'ok'; readonly items: unknown[] }
  | { readonly type: 'truncated'; readonly bytes: number }
  | { readonly type: 'error'; readonly failure: ClassifiedFailure };

type SourceOutcome =
  | { readonly type: 'complete'; readonly items: unknown[] }
  | { readonly type: 'partial'; readonly items: unknown[]; readonly failed: readonly Failed[] }
  | { readonly type: 'missing'; readonly failed: readonly Failed[] };

interface Failed {
  readonly namespace?: string;
  readonly problem: CollectionProblem;
  readonly message: string;
  readonly fix: string;
}

const encoder = new TextEncoder();
const byteLength = (text: string): number => encoder.encode(text).length;

const namespacePattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const truncatedFailure = (resource: string, bytes: number, where: string): Failed => ({
  problem: 'truncated',
  message: `the list of ${resource} ${where} was cut at the runner's output cap (${String(bytes)} bytes) and was not parsed`,
  fix: "diagnose fewer namespaces (-n), or raise the executor's output cap (maxOutputBytes) and the server's result body limit",
});

const hasMetadata = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { metadata?: unknown }).metadata === 'object' &&
  (value as { metadata?: unknown }).metadata !== null;

const itemsOf = (stdout: string): unknown[] | undefined => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const items = (parsed as { items?: unknown }).items;
  // kubectl prints `"items": []` for an empty list; a null items field is still an empty list.
  if (items === null) return [];
  return Array.isArray(items) ? (items as unknown[]).filter(hasMetadata) : undefined;
};

const uidOf = (value: unknown): string | undefined => {
  const uid = (value as { metadata?: { uid?: unknown } }).metadata?.uid;
  return typeof uid === 'string' && uid !== '' ? uid : undefined;
};

/** The same event read through core/v1 and events.k8s.io/v1 has one uid; keep the first view. */
const dedupeByUid = (items: readonly unknown[]): unknown[] => {
  const seen = new Set<string>();
  return items.filter((item) => {
    const uid = uidOf(item);
    if (uid === undefined) return true;
    if (seen.has(uid)) return false;
    seen.add(uid);
    return true;
  });
};

/** Secret and ConfigMap values are dropped here, before anything else holds the parsed objects. */
const reduceItems = (source: SnapshotSource, items: unknown[]): unknown[] => {
  if (source.kind === 'secrets') return items.map(summarizeSecret);
  if (source.kind === 'configmaps') return items.map(summarizeConfigMap);
  return items;
};

const validateOptions = (options: CollectSnapshotOptions): void => {
  const { namespaces, concurrency } = options;
  if (namespaces !== 'all') {
    if (namespaces.length === 0)
      throw new TypeError('namespaces must be "all" or a non-empty list of namespace names');
    for (const namespace of namespaces) {
      if (!namespacePattern.test(namespace) || namespace.length > 63)
        throw new TypeError(
          `namespace ${JSON.stringify(namespace)} is not a valid name (lower-case letters, digits and "-", at most 63)`,
        );
    }
  }
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64))
    throw new TypeError(`concurrency must be a whole number from 1 to 64 (got ${String(concurrency)})`);
};

/**
 * Builds a `ClusterSnapshot` by listing every kind with read-only `kubectl get <resource> -o json`
 * through `run`, at most `concurrency` at once. A kind that cannot be listed completely (RBAC,
 * unknown type, timeout, output cut at the runner's cap, unparseable output) is left absent and
 * named in `collection.warnings` with the reason and the fix; truncated output is never parsed. A
 * cluster-wide list cut at the cap is retried per namespace. Secret and ConfigMap values are
 * dropped as soon as a list is parsed. Rejects with `signal.reason` when aborted, and with a
 * `SnapshotCollectionError` when nothing can be collected (no executor, cluster unreachable).
 */
export const collectSnapshot = async (options: CollectSnapshotOptions): Promise<CollectedSnapshot> => {
  validateOptions(options);
  const { run, namespaces } = options;
  const now = options.now ?? Date.now;
  const maxFallbackNamespaces = options.limits?.maxFallbackNamespaces ?? 500;
  const wanted = options.kinds === undefined ? undefined : new Set(options.kinds);
  const sources = snapshotSources.filter((source) => wanted?.has(source.kind) ?? true);
  const started = now();

  // Aborted by the caller, or by the collector itself once a fatal failure makes every other command pointless.
  const stop = new AbortController();
  const onAbort = (): void => {
    stop.abort(options.signal.reason);
  };
  options.signal.throwIfAborted();
  options.signal.addEventListener('abort', onAbort, { once: true });
  let fatal: { failure: ClassifiedFailure; code: string } | undefined;
  const limit = createConcurrencyLimit(options.concurrency ?? 6, stop.signal);
  const commands: CollectionCommand[] = [];

  const noteFatal = (outcome: KubectlOutcome, resource: string): ClassifiedFailure | undefined => {
    if (outcome.type === 'result' && outcome.exitCode === 0) return undefined;
    const failure = classifyFailure(outcome, resource);
    if (failure.fatal && fatal === undefined) {
      fatal = { failure, code: outcome.type === 'failure' ? outcome.code : 'cluster_unreachable' };
      stop.abort(new SnapshotCollectionError(fatal.code, failure.message, failure.fix, []));
    }
    return failure;
  };

  /** Runs one command in a slot; a fatal answer stops the collection before the slot passes on. */
  const execute = async (
    args: readonly string[],
    resource: string,
  ): Promise<{ outcome: KubectlOutcome; ms: number; failure: ClassifiedFailure | undefined }> =>
    limit(async () => {
      // One signal per command: the runner's listeners go there, so the shared signal holds at
      // most `concurrency` listeners however many commands run.
      const command = new AbortController();
      const onStop = (): void => {
        command.abort(stop.signal.reason);
      };
      stop.signal.addEventListener('abort', onStop, { once: true });
      try {
        const begin = now();
        const outcome = await run(args, command.signal);
        return { outcome, ms: now() - begin, failure: noteFatal(outcome, resource) };
      } finally {
        stop.signal.removeEventListener('abort', onStop);
      }
    });

  const list = async (source: SnapshotSource, scope: ListScope): Promise<ListOutcome> => {
    const args = listArgs(source.resource, scope);
    const { outcome, ms, failure } = await execute(args, source.resource);
    const record = (fields: Partial<CollectionCommand> & Pick<CollectionCommand, 'ok'>): void => {
      commands.push({
        args,
        items: 0,
        ms,
        bytes: outcome.type === 'result' ? byteLength(outcome.stdout) : 0,
        truncated: false,
        ...fields,
      });
    };
    if (outcome.type === 'result' && outcome.exitCode === 0 && outcome.truncated) {
      record({ ok: false, truncated: true, problem: 'truncated' });
      return { type: 'truncated', bytes: byteLength(outcome.stdout) };
    }
    if (failure !== undefined || outcome.type === 'failure') {
      const reason = failure ?? classifyFailure(outcome, source.resource);
      record({ ok: false, problem: reason.problem });
      return { type: 'error', failure: reason };
    }
    const items = itemsOf(outcome.stdout);
    if (items === undefined) {
      record({ ok: false, problem: 'invalid-output' });
      return {
        type: 'error',
        failure: {
          problem: 'invalid-output',
          message: `kubectl get ${source.resource} did not print a JSON list`,
          fix: 'check that kubectl and the runner pass `-o json` output through unchanged',
          fatal: false,
        },
      };
    }
    record({ ok: true, items: items.length });
    return { type: 'ok', items: reduceItems(source, items) };
  };

  let namespaceList: Promise<readonly string[] | Failed> | undefined;
  const listNamespaces = async (): Promise<readonly string[] | Failed> => {
    const { outcome, ms } = await execute(namespaceListArgs, 'namespaces');
    const ok = outcome.type === 'result' && outcome.exitCode === 0 && !outcome.truncated;
    const names = ok
      ? outcome.stdout
          .split('\n')
          .map((line) => line.trim().replace(/^namespaces?\//, ''))
          .filter((line) => line !== '')
      : [];
    commands.push({
      args: namespaceListArgs,
      ok,
      items: names.length,
      ms,
      bytes: outcome.type === 'result' ? byteLength(outcome.stdout) : 0,
      truncated: outcome.type === 'result' && outcome.truncated,
    });
    if (!ok) {
      const failure = classifyFailure(outcome, 'namespaces');
      return {
        problem: 'truncated',
        message: `the list was cut at the output cap and listing namespaces for a per-namespace retry failed: ${failure.message}`,
        fix: `grant "list" on namespaces, or ${truncatedFailure('', 0, '').fix}`,
      };
    }
    if (names.length > maxFallbackNamespaces) {
      return {
        problem: 'truncated',
        message: `the list was cut at the output cap and the cluster has ${String(names.length)} namespaces, more than the per-namespace retry allows (${String(maxFallbackNamespaces)})`,
        fix: truncatedFailure('', 0, '').fix,
      };
    }
    return names;
  };

  const namespacedSources = sources.filter((source) => source.namespaced);
  const bundles = new Map<string, Promise<Map<SnapshotSource, unknown[]> | undefined>>();

  /**
   * Several kinds in one command (one kubectl process instead of many), sorted back by apiVersion
   * and kind; undefined when they must be listed kind by kind (a kind failed, output cut or odd).
   * Shared by every source of the bundle.
   */
  const listBundle = (
    scope: ListScope,
    members: readonly SnapshotSource[],
  ): Promise<Map<SnapshotSource, unknown[]> | undefined> => {
    const args = bundleArgs(members, scope);
    const key = args.join(' ');
    const known = bundles.get(key);
    if (known !== undefined) return known;
    const pending = (async () => {
      const { outcome, ms, failure } = await execute(args, 'several kinds at once');
      const truncated = outcome.type === 'result' && outcome.truncated;
      const items =
        outcome.type === 'result' && failure === undefined && !truncated
          ? itemsOf(outcome.stdout)
          : undefined;
      const sorted = items === undefined ? undefined : sortBundle(items, members);
      const problem: CollectionProblem | undefined =
        failure?.problem ?? (truncated ? 'truncated' : sorted === undefined ? 'invalid-output' : undefined);
      commands.push({
        args,
        ok: sorted !== undefined,
        items: sorted === undefined ? 0 : (items?.length ?? 0),
        ms,
        bytes: outcome.type === 'result' ? byteLength(outcome.stdout) : 0,
        truncated,
        ...(problem === undefined ? {} : { problem }),
      });
      return sorted;
    })();
    bundles.set(key, pending);
    return pending;
  };

  /**
   * Lists `source` in one namespace. With `bundled`, all namespaced kinds of the namespace come
   * from one shared command (one kubectl process instead of 25); if that one fails, is cut or holds
   * something unexpected, each kind is listed on its own so its own error is reported.
   */
  const listInNamespace = async (
    source: SnapshotSource,
    namespace: string,
    bundled: boolean,
  ): Promise<ListOutcome> => {
    if (bundled && namespacedSources.length > 1) {
      const sorted = await listBundle({ type: 'namespace', namespace }, namespacedSources);
      if (sorted !== undefined) return { type: 'ok', items: reduceItems(source, sorted.get(source) ?? []) };
    }
    return list(source, { type: 'namespace', namespace });
  };

  const inNamespaces = async (
    source: SnapshotSource,
    names: readonly string[],
    bundled: boolean,
  ): Promise<SourceOutcome> => {
    const outcomes = await Promise.all(
      names.map(async (namespace) => ({
        namespace,
        outcome: await listInNamespace(source, namespace, bundled),
      })),
    );
    const items: unknown[] = [];
    const failed: Failed[] = [];
    for (const { namespace, outcome } of outcomes) {
      if (outcome.type === 'ok') items.push(...outcome.items);
      else if (outcome.type === 'truncated')
        failed.push({
          namespace,
          ...truncatedFailure(source.resource, outcome.bytes, `in namespace ${namespace}`),
        });
      else failed.push({ namespace, ...outcome.failure });
    }
    if (failed.length === 0) return { type: 'complete', items };
    if (source.partialIsSafe && failed.length < names.length) return { type: 'partial', items, failed };
    return { type: 'missing', failed };
  };

  const collectSource = async (source: SnapshotSource): Promise<SourceOutcome> => {
    if (source.namespaced && namespaces !== 'all') return inNamespaces(source, namespaces, true);
    const scope: ListScope = source.namespaced ? { type: 'all-namespaces' } : { type: 'cluster' };
    if (!source.listedAlone) {
      const members = sources.filter(
        (member) => !member.listedAlone && member.namespaced === source.namespaced,
      );
      const sorted = members.length > 1 ? await listBundle(scope, members) : undefined;
      if (sorted !== undefined)
        return { type: 'complete', items: reduceItems(source, sorted.get(source) ?? []) };
    }
    const outcome = await list(source, scope);
    if (outcome.type === 'ok') return { type: 'complete', items: outcome.items };
    if (outcome.type === 'error') return { type: 'missing', failed: [outcome.failure] };
    if (!source.namespaced)
      return { type: 'missing', failed: [truncatedFailure(source.resource, outcome.bytes, 'cluster-wide')] };
    namespaceList ??= listNamespaces();
    const names = await namespaceList;
    if (!Array.isArray(names)) return { type: 'missing', failed: [names as Failed] };
    return inNamespaces(source, names, false);
  };

  try {
    const settled = await Promise.allSettled(sources.map(collectSource));
    options.signal.throwIfAborted();
    const outcomes = settled.map((result, index) => {
      if (result.status === 'fulfilled')
        return { source: sources[index] as SnapshotSource, outcome: result.value };
      if (fatal === undefined) throw result.reason;
      return undefined;
    });
    const warnings: CollectionWarning[] = [];
    const byKind = new Map<SnapshotKind, unknown[]>();
    for (const entry of outcomes) {
      if (entry === undefined) continue;
      const { source, outcome } = entry;
      if (outcome.type !== 'missing')
        byKind.set(source.kind, [...(byKind.get(source.kind) ?? []), ...outcome.items]);
    }
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
  } finally {
    options.signal.removeEventListener('abort', onAbort);
  }
};
