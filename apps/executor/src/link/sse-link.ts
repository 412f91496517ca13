import { executorFrameSchema } from '@kubently/protocol';
import { createParser } from 'eventsource-parser';
import type { EventSourceMessage } from 'eventsource-parser';

import type { Logger } from '../logger.js';
import { backoffDelayMs } from './backoff.js';
import { isAborted } from './is-aborted.js';
import type { LinkHandlers } from './link-handlers.js';
import { describeError } from './server-client.js';
import type { ServerClient } from './server-client.js';
import type { TokenRejection } from './token-rejection.js';

export interface SseLinkOptions {
  readonly client: ServerClient;
  readonly handlers: LinkHandlers;
  readonly logger: Logger;
  /** Reconnect when no byte (event or keepalive comment) arrived for this long. */
  readonly watchdogMs: number;
  readonly maxBackoffMs: number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random: () => number;
  readonly signal: AbortSignal;
  /** A refused token waits minutes between attempts; a removed cluster ends the link (throws). */
  readonly rejection: TokenRejection;
}

const backoffBaseMs = 500;

/**
 * Holds `GET /v1/executor/stream` open until `signal` aborts, reconnecting with full-jitter backoff
 * and `Last-Event-ID`. While idle it owns one timer (the watchdog) and one open socket: no polling.
 * Throws ClusterRemovedError when the server says the cluster was removed.
 */
export async function runSseLink(options: SseLinkOptions): Promise<void> {
  const { client, handlers, logger, signal } = options;
  let lastEventId: string | null = null;
  let attempt = 0;
  while (!signal.aborted) {
    const connection = new AbortController();
    const forwardAbort = (): void => {
      connection.abort(signal.reason);
    };
    signal.addEventListener('abort', forwardAbort, { once: true });
    const watchdog = setTimeout(() => {
      connection.abort(new Error(`no data from the server for ${options.watchdogMs} ms (keepalives missed)`));
    }, options.watchdogMs);
    let isOpen = false;
    let reason = 'the server closed the stream';
    let failure: unknown = null;
    try {
      const response = await client.openStream(lastEventId, connection.signal);
      if (response.body === null) throw new Error('the stream answer has no body');
      watchdog.refresh();
      isOpen = true;
      options.rejection.accepted();
      handlers.onConnected();
      const parser = createParser({
        onEvent: (message) => {
          if (message.id !== undefined && message.id !== '') lastEventId = message.id;
          if (message.event === 'connected') attempt = 0;
          dispatch(message, handlers, logger);
        },
        onError: (error) => {
          logger.warn({ err: error }, 'ignoring a malformed SSE field');
        },
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) break;
        watchdog.refresh();
        parser.feed(chunk.value);
      }
    } catch (error) {
      failure = error;
      reason = connection.signal.aborted ? describeError(connection.signal.reason) : describeError(error);
    } finally {
      clearTimeout(watchdog);
      signal.removeEventListener('abort', forwardAbort);
    }
    if (isOpen) handlers.onDisconnected(reason);
    if (isAborted(signal)) break;
    const rejectedDelayMs = isOpen ? null : options.rejection.delayFor(failure);
    if (rejectedDelayMs !== null) {
      await options.sleep(rejectedDelayMs, signal).catch(() => undefined);
      continue;
    }
    const delayMs = backoffDelayMs(attempt, {
      baseMs: backoffBaseMs,
      capMs: options.maxBackoffMs,
      random: options.random,
    });
    attempt += 1;
    logger.warn({ reason, attempt, delayMs, lastEventId }, 'command stream down; reconnecting');
    await options.sleep(delayMs, signal).catch(() => undefined);
  }
}

function dispatch(message: EventSourceMessage, handlers: LinkHandlers, logger: Logger): void {
  if (message.event === undefined || message.event === 'keepalive') return;
  let json: unknown;
  try {
    json = JSON.parse(message.data);
  } catch {
    logger.warn({ event: message.event }, 'ignoring an SSE event whose data is not JSON');
    return;
  }
  const parsed = executorFrameSchema.safeParse(json);
  if (!parsed.success) {
    logger.warn(
      { event: message.event, id: message.id, issues: parsed.error.issues },
      'ignoring an invalid frame',
    );
    return;
  }
  handlers.onFrame(parsed.data);
}
