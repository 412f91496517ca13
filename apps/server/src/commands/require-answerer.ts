import { KubentlyError } from '../errors/kubently-error.js';
import { isAnonymousExecutorId } from '../executors/executor-identity.js';
import type { ExecutorIdentity } from '../executors/executor-identity.js';
import type { CommandQueue } from '../state/command-queue.js';
import type { CommandRecord } from '../state/command-store.js';

/**
 * The executor a command was delivered to, when `executor` (the authenticated sender of a result)
 * may answer it; otherwise the refusal. A cluster token is shared by every executor of its cluster
 * and one may be compromised, so the body's `executorId` is never trusted: only the X-Executor-ID
 * the command was delivered to answers it. A request without X-Executor-ID (seed executors) answers
 * only commands delivered to a stream without one. Both refusals tell an honest executor to stop
 * retrying: 409 for a command never delivered (nobody can hold its result), 403 for another's.
 *
 * The queue records a delivery before the record does (claim, then markDelivered), and a command
 * the server ended in between keeps no `deliveredTo`: the queue then says whom it went to.
 */
export const requireAnswerer = async (
  record: CommandRecord,
  executor: ExecutorIdentity,
  queue: CommandQueue,
): Promise<string> => {
  const id = record.command.id;
  let deliveredTo = record.deliveredTo;
  if (deliveredTo === null && !executor.isAnonymous) {
    const pending = await queue.pending(executor.clusterId, executor.executorId);
    if (pending.some((command) => command.id === id)) deliveredTo = executor.executorId;
  }
  if (deliveredTo === null) {
    throw new KubentlyError(
      'conflict',
      `command "${id}" was never delivered to an executor, so no executor can answer it; stop retrying it`,
      { details: { commandId: id } },
    );
  }
  const mayAnswer = executor.isAnonymous
    ? isAnonymousExecutorId(deliveredTo)
    : deliveredTo === executor.executorId;
  if (!mayAnswer) {
    throw new KubentlyError(
      'forbidden',
      executor.isAnonymous
        ? `command "${id}" was delivered to an executor that sends X-Executor-ID; a result without X-Executor-ID answers only commands delivered to a stream without one; stop retrying it`
        : `command "${id}" was delivered to another executor; executor "${executor.executorId}" may answer only the commands it was sent; stop retrying it`,
      { details: { commandId: id } },
    );
  }
  return deliveredTo;
};
