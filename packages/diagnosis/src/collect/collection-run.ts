import { classifyFailure } from './classify-failure.js';
import type { ClassifiedFailure } from './classify-failure.js';
import type { CollectionCommand } from './collection-warning.js';
import { createConcurrencyLimit } from './concurrency-limit.js';
import type { KubectlOutcome } from './kubectl-run.js';
import { SnapshotCollectionError } from './snapshot-collection-error.js';

export interface Executed {
  readonly outcome: KubectlOutcome;
  readonly ms: number;
  /** Set when the outcome is not a clean exit 0. */
  readonly failure: ClassifiedFailure | undefined;
}

/**
 * What every lister of one collection shares: the concurrency slots, the record of commands, and
 * the stop signal a fatal answer (cluster unreachable, no executor) raises so every other command
 * is abandoned.
 */
export interface CollectionRun {
  readonly commands: CollectionCommand[];
  readonly now: () => number;
  /** Runs `task` in a slot with a signal of its own; a fatal answer stops the collection. */
  execute(task: (signal: AbortSignal) => Promise<KubectlOutcome>, resource: string): Promise<Executed>;
  readonly fatal: () => { readonly failure: ClassifiedFailure; readonly code: string } | undefined;
  /** Releases the caller's signal. */
  close(): void;
}

export const createCollectionRun = (options: {
  readonly signal: AbortSignal;
  readonly concurrency: number;
  readonly now: () => number;
}): CollectionRun => {
  // Aborted by the caller, or by the collector itself once a fatal failure makes every other command pointless.
  const stop = new AbortController();
  const onAbort = (): void => {
    stop.abort(options.signal.reason);
  };
  options.signal.throwIfAborted();
  options.signal.addEventListener('abort', onAbort, { once: true });
  let fatal: { failure: ClassifiedFailure; code: string } | undefined;
  const limit = createConcurrencyLimit(options.concurrency, stop.signal);
  const { now } = options;

  const noteFatal = (outcome: KubectlOutcome, resource: string): ClassifiedFailure | undefined => {
    if (outcome.type === 'result' && outcome.exitCode === 0) return undefined;
    const failure = classifyFailure(outcome, resource);
    if (failure.fatal && fatal === undefined) {
      fatal = { failure, code: outcome.type === 'failure' ? outcome.code : 'cluster_unreachable' };
      stop.abort(new SnapshotCollectionError(fatal.code, failure.message, failure.fix, []));
    }
    return failure;
  };

  return {
    commands: [],
    now,
    fatal: () => fatal,
    close: () => {
      options.signal.removeEventListener('abort', onAbort);
    },
    execute: (task, resource) =>
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
          const outcome = await task(command.signal);
          return { outcome, ms: now() - begin, failure: noteFatal(outcome, resource) };
        } finally {
          stop.signal.removeEventListener('abort', onStop);
        }
      }),
  };
};
