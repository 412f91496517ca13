import type { CommandResult } from '@kubently/protocol';

import { isAborted } from '../link/is-aborted.js';
import { backoffDelayMs } from '../link/backoff.js';
import { describeError, RetryableError } from '../link/server-client.js';
import type { ServerClient } from '../link/server-client.js';
import type { Logger } from '../logger.js';
import { outputTooLargeResult, resultBodyBytes } from './build-result.js';

export interface ResultPosterOptions {
  readonly client: ServerClient;
  readonly logger: Logger;
  readonly maxBackoffMs: number;
  /** Give up after this long: the server has dropped the command by then (result TTL). */
  readonly giveUpAfterMs: number;
  readonly now: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Resolves when the link to the server comes back: a waiting retry goes at once. */
  readonly linkRestored?: () => Promise<void>;
  readonly random: () => number;
}

export type PostOutcome = 'acked' | 'duplicate' | 'rejected' | 'gave_up' | 'aborted';

/**
 * Posts a result until the server acks it. Network errors and 5xx are retried with backoff; a 404
 * (the server no longer knows the command), 403/409 (this executor may not answer it) or another
 * refusal ends the attempt. A result larger than the server accepts (the limit it announced, or a
 * 413) is replaced by a small `output_too_large` failure, so the caller learns at once.
 */
export async function postResultUntilAcked(
  options: ResultPosterOptions,
  result: CommandResult,
  signal: AbortSignal,
): Promise<PostOutcome> {
  const deadline = options.now() + options.giveUpAfterMs;
  const sizeBytes = resultBodyBytes(result);
  let posted = result;
  const shrink = (limitBytes: number | null): void => {
    options.logger.warn(
      { commandId: result.commandId, sizeBytes, limitBytes },
      'result larger than the server accepts; posting an output_too_large failure instead',
    );
    posted = outputTooLargeResult(result, sizeBytes, limitBytes);
  };
  for (let attempt = 0; ; attempt += 1) {
    if (signal.aborted) return 'aborted';
    // Read each time: the limit may be learned (or change) while a retry waits for the link.
    const limitBytes = options.client.maxResultBytes;
    if (posted === result && limitBytes !== null && sizeBytes > limitBytes) shrink(limitBytes);
    try {
      const outcome = await options.client.postResult(posted, signal);
      if (outcome.type === 'acked') return outcome.ack.duplicate ? 'duplicate' : 'acked';
      if (outcome.status === 413 && posted === result) {
        shrink(outcome.limitBytes ?? limitBytes);
        continue;
      }
      options.logger.warn(
        { commandId: result.commandId, status: outcome.status, answer: outcome.body },
        'server refused the result; not retrying',
      );
      return 'rejected';
    } catch (error) {
      if (isAborted(signal)) return 'aborted';
      if (!(error instanceof RetryableError)) {
        options.logger.error(
          { commandId: result.commandId, err: describeError(error) },
          'posting the result failed',
        );
        return 'rejected';
      }
      const delayMs = backoffDelayMs(attempt, {
        baseMs: 200,
        capMs: options.maxBackoffMs,
        random: options.random,
      });
      if (options.now() + delayMs > deadline) {
        options.logger.error(
          { commandId: result.commandId, err: error.message },
          'giving up posting the result',
        );
        return 'gave_up';
      }
      options.logger.warn(
        { commandId: result.commandId, err: error.message, delayMs },
        'result not acked; retrying',
      );
      const restored = options.linkRestored?.();
      await Promise.race([
        options.sleep(delayMs, signal),
        ...(restored === undefined ? [] : [restored]),
      ]).catch(() => undefined);
    }
  }
}
