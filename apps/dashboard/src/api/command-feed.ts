import { commandFeedEventSchema } from '@kubently/protocol';
import type { CommandFeedEvent } from '@kubently/protocol';

import type { ApiClient } from './api-client.js';
import { jsonOrNull, readSse } from './sse-reader.js';

/** Read through a call: the signal may abort while the loop awaits, which narrowing cannot see. */
const isAborted = (signal: AbortSignal): boolean => signal.aborted;

/**
 * Follows `GET /v1/commands/stream` until `signal` aborts, reconnecting after `retryMs` when the
 * stream ends or fails (the server replays its recent backlog on each connect; ids dedupe it).
 */
export const followCommandFeed = async (
  api: ApiClient,
  handlers: {
    readonly onEvent: (event: CommandFeedEvent) => void;
    readonly onStatus: (status: 'live' | 'reconnecting', problem?: string) => void;
  },
  signal: AbortSignal,
  retryMs = 3000,
): Promise<void> => {
  while (!signal.aborted) {
    try {
      const response = await api.open('/v1/commands/stream', {
        signal,
        headers: { Accept: 'text/event-stream' },
      });
      if (response.body === null) throw new Error('the command feed answered without a body');
      handlers.onStatus('live');
      for await (const message of readSse(response.body)) {
        const parsed = commandFeedEventSchema.safeParse(jsonOrNull(message.data));
        if (parsed.success) handlers.onEvent(parsed.data);
      }
      handlers.onStatus('reconnecting', 'the feed ended');
    } catch (error) {
      if (isAborted(signal)) return;
      handlers.onStatus('reconnecting', error instanceof Error ? error.message : String(error));
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, retryMs);
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }
};
