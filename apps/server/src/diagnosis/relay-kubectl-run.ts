import type { KubectlOutcome, KubectlRun } from '@kubently/diagnosis';
import type { ReadRequest } from '@kubently/protocol';

import type { Caller } from '../auth/api-key-verifier.js';
import type { CommandService } from '../commands/command-service.js';
import { untilAborted } from '../commands/until-aborted.js';
import { isKubentlyError } from '../errors/kubently-error.js';
import type { KubentlyError } from '../errors/kubently-error.js';
import type { CommandRecord } from '../state/command-store.js';

export interface RelayKubectlRunOptions {
  readonly commands: CommandService;
  readonly clusterId: string;
  readonly caller: Caller;
  readonly correlationId: string;
  readonly timeoutSeconds: number;
  /** Told of each known error before it becomes a failure outcome (the diagnosis keeps limit refusals). */
  readonly onError?: ((error: KubentlyError) => void) | undefined;
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

const abortReason = (signal: AbortSignal): Error =>
  signal.reason instanceof Error ? signal.reason : new Error('the diagnosis was aborted');

/**
 * Submits one collector command (kubectl argv, or a structured read) exactly like `POST
 * /v1/commands` and waits for its outcome: known failures become `failure` outcomes; an abort rejects.
 */
export const relayCommand = async (
  options: RelayKubectlRunOptions,
  what: { readonly args: readonly string[] } | { readonly read: ReadRequest },
  signal: AbortSignal,
): Promise<KubectlOutcome> => {
  signal.throwIfAborted();
  const submitted = options.commands.submit({
    clusterId: options.clusterId,
    ...what,
    timeoutSeconds: options.timeoutSeconds,
    caller: options.caller,
    correlationId: options.correlationId,
    source: 'diagnosis',
    wait: true,
    signal,
  });
  try {
    const record = await untilAborted(submitted, signal);
    if (record === null) throw abortReason(signal);
    return outcomeOf(record);
  } catch (error) {
    signal.throwIfAborted();
    if (isKubentlyError(error)) {
      options.onError?.(error);
      return { type: 'failure', code: error.code, message: error.message };
    }
    throw error;
  }
};

/**
 * The collector's kubectl port over the relay: each command goes through `CommandService.submit`
 * exactly like `POST /v1/commands` (policy check, queue, executor, audit with the caller's identity
 * and correlation id, source `diagnosis`). Known failures (timeout, no executor, policy denial)
 * become `failure` outcomes; an abort rejects.
 */
export const relayKubectlRun =
  (options: RelayKubectlRunOptions): KubectlRun =>
  (args, signal) =>
    relayCommand(options, { args }, signal);
