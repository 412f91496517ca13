import type { Logger } from '../logger.js';
import { backoffDelayMs } from './backoff.js';
import { isAborted } from './is-aborted.js';
import type { LinkHandlers } from './link-handlers.js';
import { describeError } from './server-client.js';
import type { ServerClient } from './server-client.js';
import type { TokenRejection } from './token-rejection.js';

export interface PollLinkOptions {
  readonly client: ServerClient;
  readonly handlers: LinkHandlers;
  readonly logger: Logger;
  readonly waitSeconds: number;
  readonly maxBackoffMs: number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random: () => number;
  readonly signal: AbortSignal;
  /** A refused token waits minutes between attempts; a removed cluster ends the link (throws). */
  readonly rejection: TokenRejection;
}

/** Grace beyond the server's `wait` before a poll counts as lost. */
const pollSlackMs = 15_000;

/**
 * Long-poll fallback (`GET /v1/executor/commands?wait=N`) for networks whose proxies buffer SSE.
 * One request is outstanding at a time; the next starts as soon as the previous answers.
 */
export async function runPollLink(options: PollLinkOptions): Promise<void> {
  const { client, handlers, logger, signal } = options;
  let attempt = 0;
  let isUp = false;
  while (!signal.aborted) {
    try {
      // While not known to be up, poll briefly so the link (and the capabilities) come up at once.
      const waitSeconds = isUp ? options.waitSeconds : 1;
      const pollSignal = AbortSignal.any([signal, AbortSignal.timeout(waitSeconds * 1000 + pollSlackMs)]);
      const answer = await client.poll(waitSeconds, pollSignal);
      attempt = 0;
      options.rejection.accepted();
      if (!isUp) {
        isUp = true;
        handlers.onConnected();
      }
      for (const frame of answer.frames) handlers.onFrame(frame);
    } catch (error) {
      if (isAborted(signal)) break;
      const reason = describeError(error);
      if (isUp) {
        isUp = false;
        handlers.onDisconnected(reason);
      }
      const rejectedDelayMs = options.rejection.delayFor(error);
      if (rejectedDelayMs !== null) {
        await options.sleep(rejectedDelayMs, signal).catch(() => undefined);
        continue;
      }
      const delayMs = backoffDelayMs(attempt, {
        baseMs: 500,
        capMs: options.maxBackoffMs,
        random: options.random,
      });
      attempt += 1;
      logger.warn({ reason, attempt, delayMs }, 'long-poll failed; retrying');
      await options.sleep(delayMs, signal).catch(() => undefined);
    }
  }
  if (isUp) handlers.onDisconnected('executor closing');
}
