import { readListSchema } from '@kubently/protocol';

import { summarizeConfigMap, summarizeSecret } from '../snapshot/summarize.js';
import type { ClassifiedFailure } from './classify-failure.js';
import type { CollectionProblem } from './collection-warning.js';
import type { SnapshotSource } from './snapshot-sources.js';

/** One list command's outcome, before it is attributed to a kind. */
export type ListOutcome =
  | { readonly type: 'ok'; readonly items: unknown[] }
  | { readonly type: 'truncated'; readonly bytes: number }
  | { readonly type: 'error'; readonly failure: ClassifiedFailure };

/** What one source yielded over all the commands that listed it. */
export type SourceOutcome =
  | { readonly type: 'complete'; readonly items: unknown[] }
  | { readonly type: 'partial'; readonly items: unknown[]; readonly failed: readonly Failed[] }
  | { readonly type: 'missing'; readonly failed: readonly Failed[] };

export interface Failed {
  readonly namespace?: string;
  readonly problem: CollectionProblem;
  readonly message: string;
  readonly fix: string;
}

const encoder = new TextEncoder();
export const byteLength = (text: string): number => encoder.encode(text).length;

export const truncatedFailure = (resource: string, bytes: number, where: string): Failed => ({
  problem: 'truncated',
  message: `the list of ${resource} ${where} was cut at the runner's output cap (${String(bytes)} bytes) and was not parsed`,
  fix: "diagnose fewer namespaces (-n), or raise the executor's output cap (maxOutputBytes) and the server's result body limit",
});

export const invalidOutput = (resource: string): ClassifiedFailure => ({
  problem: 'invalid-output',
  message: `kubectl get ${resource} did not print a JSON list`,
  fix: 'check that kubectl and the runner pass `-o json` output through unchanged',
  fatal: false,
});

const hasMetadata = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { metadata?: unknown }).metadata === 'object' &&
  (value as { metadata?: unknown }).metadata !== null;

/** A printed List: its objects (those with metadata) and, from the read path, where it stopped. */
export interface ParsedList {
  readonly items: unknown[];
  readonly continue: string | undefined;
}

export const parseList = (stdout: string): ParsedList | undefined => {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    return undefined;
  }
  const parsed = readListSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const { items, metadata } = parsed.data;
  const token = metadata?.continue;
  const next = token !== undefined && token !== '' ? token : undefined;
  // kubectl prints `"items": []` for an empty list; a null items field is still an empty list.
  if (items === null) return { items: [], continue: next };
  return items === undefined ? undefined : { items: items.filter(hasMetadata), continue: next };
};

export const itemsOf = (stdout: string): unknown[] | undefined => parseList(stdout)?.items;

const uidOf = (value: unknown): string | undefined => {
  const uid = (value as { metadata?: { uid?: unknown } }).metadata?.uid;
  return typeof uid === 'string' && uid !== '' ? uid : undefined;
};

/** The same event read through core/v1 and events.k8s.io/v1 has one uid; keep the first view. */
export const dedupeByUid = (items: readonly unknown[]): unknown[] => {
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
export const reduceItems = (source: SnapshotSource, items: unknown[]): unknown[] => {
  if (source.kind === 'secrets') return items.map(summarizeSecret);
  if (source.kind === 'configmaps') return items.map(summarizeConfigMap);
  return items;
};
