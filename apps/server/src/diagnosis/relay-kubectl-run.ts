import type { KubectlOutcome, KubectlRun } from '@kubently/diagnosis';

import type { Caller } from '../auth/api-key-verifier.js';
import type { CommandService } from '../commands/command-service.js';
import { isKubentlyError } from '../errors/kubently-error.js';
import type { CommandRecord } from '../state/command-store.js';

export interface RelayKubectlRunOptions {
  readonly commands: CommandService;
  readonly clusterId: string;
  readonly caller: Caller;
  readonly correlationId: string;
  readonly timeoutSeconds: number;
}

const outcomeOf = (record: CommandRecord): KubectlOutcome => {
  const { result, failure } = record;
  if (failure !== null) return { type: 'failure', code: failure.code, message: failure.message };
  if (result === null)
    return { type: 'failure', code: 'executor_error', message: 'the command ended without a result' };
  if (result.failure !== undefined)
    return { type: 'failure', code: result.failure.code, message: result.failure.message };
  return {
    type: 'result',
    exitCode: result.exitCode,
    stdout: result.stdout,
    stderr: result.stderr,
    truncated: result.truncated,
  };
};

/**
 * The collector's kubectl port over the relay: each command goes through `CommandService.submit`
 * exactly like `POST /v1/commands` (policy check, queue, executor, audit with the caller's identity
 * and correlation id, source `diagnosis`). Known failures (timeout, no executor, policy denial)
 * become `failure` outcomes; an abort rejects.
 */
export const relayKubectlRun =
  (options: RelayKubectlRunOptions): KubectlRun =>
  async (args, signal) => {
    signal.throwIfAborted();
    const submitted = options.commands.submit({
      clusterId: options.clusterId,
      args,
      timeoutSeconds: options.timeoutSeconds,
      caller: options.caller,
      correlationId: options.correlationId,
      source: 'diagnosis',
      wait: true,
      signal,
    });
    // submit() withdraws an undelivered command when the signal aborts but does not settle its
    // promise, so the abort is raced here; the late outcome is dropped.
    submitted.catch(() => undefined);
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_resolve, reject) => {
      onAbort = () => {
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
    aborted.catch(() => undefined);
    try {
      return outcomeOf(await Promise.race([submitted, aborted]));
    } catch (error) {
      signal.throwIfAborted();
      if (isKubentlyError(error)) return { type: 'failure', code: error.code, message: error.message };
      throw error;
    } finally {
      if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
    }
  };
