import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';

/** Sources of nondeterminism, injected so tests can pass fakes (STYLE rule 7). */
export interface ExecutorDependencies {
  readonly fetch: typeof fetch;
  readonly now: () => number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Uniform in [0, 1). */
  readonly random: () => number;
  readonly newId: () => string;
}

export const defaultDependencies: ExecutorDependencies = {
  fetch: (input, init) => fetch(input, init),
  now: () => Date.now(),
  sleep: (ms, signal) => delay(ms, undefined, signal === undefined ? undefined : { signal }),
  random: () => Math.random(),
  newId: () => randomUUID(),
};
