import type { StreamResponse } from '@a2a-js/sdk';
import type { AgentRequestMetadata } from '@kubently/protocol';

import type { AgentClient } from './agent-client.js';
import { isFinalState } from './task-state-name.js';
import { toTurnEvents } from './turn-event.js';
import type { TurnEvent } from './turn-event.js';
import { createTurnAccumulator } from './turn-result.js';
import type { TurnResult } from './turn-result.js';

export interface RunTurnOptions {
  readonly client: AgentClient;
  readonly text: string;
  readonly messageId: string;
  readonly contextId: string | undefined;
  readonly metadata: AgentRequestMetadata;
  /** Aborting cancels the turn: CancelTask on the server, then the stream is closed. */
  readonly signal: AbortSignal;
  readonly onEvent: (event: TurnEvent) => void;
  /** How long to wait for the server to confirm a cancel before closing the stream anyway. */
  readonly cancelGraceMs?: number;
}

/**
 * One question to the agent over `SendStreamingMessage`: every decoded event goes to `onEvent` as
 * it arrives, and the whole turn is returned once the task ends (or is canceled). Infrastructure
 * failures (no server, bad key) throw `KubentlyError`; a failed task is a result.
 */
export async function runTurn(options: RunTurnOptions): Promise<TurnResult> {
  const { client, signal } = options;
  const accumulator = createTurnAccumulator();
  const stream = new AbortController();
  let taskId: string | undefined;
  let cancelling: Promise<void> | undefined;
  // An object, not a `let`: it changes in callbacks the type checker cannot follow.
  const cancelState = { isRequested: false };
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  const graceMs = options.cancelGraceMs ?? 5_000;

  const cancelTask = (id: string): void => {
    if (cancelling !== undefined) return;
    cancelling = (async () => {
      // Best effort: the task may have finished meanwhile, or the server may be gone.
      await client.cancelTask(id, AbortSignal.timeout(graceMs)).catch(() => undefined);
      stream.abort(new Error('turn canceled'));
    })();
  };
  const cancel = (): void => {
    if (cancelState.isRequested) return;
    cancelState.isRequested = true;
    accumulator.markCanceled();
    if (taskId !== undefined) {
      cancelTask(taskId);
      return;
    }
    // No task id yet: wait a little for it so the server stops too, then close the stream anyway.
    graceTimer = setTimeout(() => {
      stream.abort(new Error('turn canceled'));
    }, graceMs);
  };
  if (signal.aborted) cancel();
  else signal.addEventListener('abort', cancel, { once: true });

  /** Feeds one stream's events; true once the task reached a final state. */
  const consume = async (responses: AsyncGenerator<StreamResponse, void, undefined>): Promise<boolean> => {
    for await (const response of responses) {
      let isDone = false;
      for (const event of toTurnEvents(response)) {
        if (event.type === 'task') {
          taskId = event.taskId;
          if (cancelState.isRequested) cancelTask(taskId);
        }
        accumulator.add(event);
        options.onEvent(event);
        if (event.type === 'state' && isFinalState(event.state)) isDone = true;
      }
      if (isDone) return true;
    }
    return false;
  };

  try {
    let responses = client.streamMessage(
      {
        text: options.text,
        messageId: options.messageId,
        contextId: options.contextId,
        metadata: options.metadata,
      },
      stream.signal,
    );
    // A stream that breaks or ends before the task does is picked up once with SubscribeToTask
    // (any replica can serve it); events published in the gap are not replayed.
    for (let attempt = 0; ; attempt += 1) {
      let failure: Error | undefined;
      try {
        if (await consume(responses)) break;
      } catch (error) {
        if (stream.signal.aborted) throw error;
        failure = error instanceof Error ? error : new Error(String(error));
      }
      if (attempt > 0 || taskId === undefined) {
        if (failure !== undefined) throw failure;
        break;
      }
      const resubscribed = client.resubscribeTask(taskId, stream.signal);
      responses = afterResubscribe(resubscribed, failure);
    }
  } catch (error) {
    if (!stream.signal.aborted) throw error;
  } finally {
    signal.removeEventListener('abort', cancel);
    clearTimeout(graceTimer);
    await cancelling;
  }
  return accumulator.result();
}

/**
 * When re-attaching fails too, the first failure is the one worth reporting; after a stream that
 * merely ended early, a failed re-attach leaves the turn unfinished rather than failed.
 */
async function* afterResubscribe(
  responses: AsyncGenerator<StreamResponse, void, undefined>,
  original: Error | undefined,
): AsyncGenerator<StreamResponse, void, undefined> {
  try {
    yield* responses;
  } catch (error) {
    if (original !== undefined) throw original;
    if (!(error instanceof Error)) throw new Error(String(error));
    // Nothing to report: the printer says the stream ended before the task did.
  }
}
