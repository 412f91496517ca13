import { classifyFailure } from './classify-failure.js';
import type { CollectionCommand, CollectionProblem } from './collection-warning.js';
import type { CollectionRun } from './collection-run.js';
import type { KubectlRun } from './kubectl-run.js';
import { byteLength, invalidOutput, itemsOf, reduceItems, truncatedFailure } from './list-items.js';
import type { Failed, ListOutcome, SourceOutcome } from './list-items.js';
import { bundleArgs, listArgs, namespaceListArgs } from './snapshot-sources.js';
import type { ListScope, SnapshotSource } from './snapshot-sources.js';
import { sortBundle } from './sort-bundle.js';

export interface KubectlListerOptions {
  readonly run: KubectlRun;
  readonly collection: CollectionRun;
  readonly sources: readonly SnapshotSource[];
  readonly namespaces: 'all' | readonly string[];
  readonly maxFallbackNamespaces: number;
}

/**
 * Lists sources with `kubectl get -o json`, where every command is a kubectl process: kinds are
 * bundled (`get a,b,c`) to pay fewer processes, and a cluster-wide list cut at the output cap is
 * retried one namespace at a time.
 */
export const kubectlLister = (
  options: KubectlListerOptions,
): ((source: SnapshotSource) => Promise<SourceOutcome>) => {
  const { run, collection, sources, namespaces, maxFallbackNamespaces } = options;
  const { commands } = collection;
  const execute = (args: readonly string[], resource: string) =>
    collection.execute((signal) => run(args, signal), resource);

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
      return { type: 'error', failure: invalidOutput(source.resource) };
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
  ): Promise<SourceOutcome> =>
    joinNamespaces(
      source,
      await Promise.all(
        names.map(async (namespace) => ({
          namespace,
          outcome: await listInNamespace(source, namespace, bundled),
        })),
      ),
    );

  return async (source) => {
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
};

/** One source listed namespace by namespace: complete, partial (when that is safe) or missing. */
export const joinNamespaces = (
  source: SnapshotSource,
  outcomes: readonly { readonly namespace: string; readonly outcome: ListOutcome }[],
): SourceOutcome => {
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
  if (source.partialIsSafe && failed.length < outcomes.length) return { type: 'partial', items, failed };
  return { type: 'missing', failed };
};
