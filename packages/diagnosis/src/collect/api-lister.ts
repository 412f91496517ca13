import { readArgv } from '@kubently/protocol';

import { classifyFailure } from './classify-failure.js';
import type { CollectionRun } from './collection-run.js';
import { joinNamespaces } from './kubectl-lister.js';
import type { ListRead } from './list-read.js';
import { byteLength, invalidOutput, parseList, reduceItems, truncatedFailure } from './list-items.js';
import type { ListOutcome, SourceOutcome } from './list-items.js';
import { sourceRead } from './snapshot-sources.js';
import type { SnapshotSource } from './snapshot-sources.js';

/** Reads of one list before the collector gives up on a continue chain that never ends. */
const maxReadsPerList = 10_000;

/**
 * Lists sources through the executor's read path: one read per kind (and per namespace when the
 * scope names some), followed by `continue` tokens when the output cap split a list. No bundling
 * and no per-namespace retry: a read costs an API request, not a process, and never truncates.
 */
export const apiLister =
  (options: {
    readonly read: ListRead;
    readonly collection: CollectionRun;
    readonly namespaces: 'all' | readonly string[];
  }): ((source: SnapshotSource) => Promise<SourceOutcome>) =>
  async (source) => {
    const { namespaces } = options;
    if (source.namespaced && namespaces !== 'all') {
      const outcomes = await Promise.all(
        namespaces.map(async (namespace) => ({
          namespace,
          outcome: await readList(options, source, namespace),
        })),
      );
      return joinNamespaces(source, outcomes);
    }
    const outcome = await readList(options, source, undefined);
    if (outcome.type === 'ok') return { type: 'complete', items: outcome.items };
    if (outcome.type === 'error') return { type: 'missing', failed: [outcome.failure] };
    return {
      type: 'missing',
      failed: [truncatedFailure(source.resource, outcome.bytes, 'in all namespaces')],
    };
  };

const readList = async (
  options: { readonly read: ListRead; readonly collection: CollectionRun },
  source: SnapshotSource,
  namespace: string | undefined,
): Promise<ListOutcome> => {
  const { collection } = options;
  const items: unknown[] = [];
  let token: string | undefined;
  for (let reads = 0; reads < maxReadsPerList; reads += 1) {
    const request = sourceRead(source, namespace, token);
    const { outcome, ms, failure } = await collection.execute(
      (signal) => options.read(request, signal),
      source.resource,
    );
    const args = token === undefined ? readArgv(request) : [...readArgv(request), '(continued)'];
    const bytes = outcome.type === 'result' ? byteLength(outcome.stdout) : 0;
    if (outcome.type === 'result' && outcome.exitCode === 0 && outcome.truncated) {
      // An executor without the read path ran the kubectl argv and hit its output cap.
      collection.commands.push({
        args,
        ok: false,
        items: 0,
        ms,
        bytes,
        truncated: true,
        problem: 'truncated',
      });
      return { type: 'truncated', bytes };
    }
    if (failure !== undefined || outcome.type === 'failure') {
      const reason = failure ?? classifyFailure(outcome, source.resource);
      collection.commands.push({
        args,
        ok: false,
        items: 0,
        ms,
        bytes,
        truncated: false,
        problem: reason.problem,
      });
      return { type: 'error', failure: reason };
    }
    const list = parseList(outcome.stdout);
    if (list === undefined) {
      collection.commands.push({
        args,
        ok: false,
        items: 0,
        ms,
        bytes,
        truncated: false,
        problem: 'invalid-output',
      });
      return { type: 'error', failure: invalidOutput(source.resource) };
    }
    collection.commands.push({ args, ok: true, items: list.items.length, ms, bytes, truncated: false });
    items.push(...reduceItems(source, list.items));
    if (list.continue === undefined) return { type: 'ok', items };
    token = list.continue;
  }
  return {
    type: 'error',
    failure: {
      problem: 'failed',
      message: `listing ${source.resource} took more than ${String(maxReadsPerList)} reads`,
      fix: "raise the executor's output cap (KUBENTLY_MAX_OUTPUT_BYTES)",
      fatal: false,
    },
  };
};
