import type { SnapshotSource } from './snapshot-sources.js';

const groupOf = (apiVersion: unknown): string | undefined => {
  if (typeof apiVersion !== 'string' || apiVersion === '') return undefined;
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
};

/**
 * Splits the mixed list of `kubectl get a,b,c -o json` into the items of each source, by API group
 * and kind. Undefined when an item belongs to no source: the output is not what was asked for, so
 * the caller lists each kind on its own instead of guessing.
 */
export const sortBundle = (
  items: readonly unknown[],
  sources: readonly SnapshotSource[],
): Map<SnapshotSource, unknown[]> | undefined => {
  const byKey = new Map(sources.map((source) => [`${source.group}/${source.objectKind}`, source]));
  const sorted = new Map<SnapshotSource, unknown[]>(sources.map((source) => [source, []]));
  for (const item of items) {
    const { apiVersion, kind } = item as { apiVersion?: unknown; kind?: unknown };
    const source = byKey.get(`${groupOf(apiVersion) ?? '?'}/${typeof kind === 'string' ? kind : '?'}`);
    if (source === undefined) return undefined;
    sorted.get(source)?.push(item);
  }
  return sorted;
};
