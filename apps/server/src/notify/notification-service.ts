import { Notifier, redactSink } from '@kubently/notify';
import type { Notification, NotifyConfig, NotifyTransport, SinkOutcome } from '@kubently/notify';

import type { FindingHistory } from '../state/finding-history.js';
import type { Clock } from '../support/clock.js';
import type { Logger } from '../support/logger.js';
import type { Timers } from '../support/timers.js';

export interface NotificationServiceOptions {
  readonly config: NotifyConfig;
  readonly transport: NotifyTransport;
  readonly history: FindingHistory;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly logger: Logger;
  readonly random?: () => number;
}

/**
 * Sends notices to the routed sinks (retries, backoff on the injected timers), records dead
 * letters in the state backend and logs every outcome with the sink's secrets redacted.
 */
export class NotificationService {
  readonly #notifier: Notifier;
  readonly #options: NotificationServiceOptions;
  readonly #closing = new AbortController();

  constructor(options: NotificationServiceOptions) {
    this.#options = options;
    const { timers, logger, clock } = options;
    this.#notifier = new Notifier({
      config: options.config,
      transport: options.transport,
      now: () => clock.now(),
      ...(options.random === undefined ? {} : { random: options.random }),
      sleep: (ms, signal) =>
        new Promise<void>((resolve, reject) => {
          if (signal.aborted) {
            reject(new Error('notifications are closing'));
            return;
          }
          const cancel = timers.after(ms, () => {
            signal.removeEventListener('abort', onAbort);
            resolve();
          });
          const onAbort = (): void => {
            cancel();
            reject(new Error('notifications are closing'));
          };
          signal.addEventListener('abort', onAbort, { once: true });
        }),
      onRetry: (info) => {
        logger.warn(info, 'notification delivery failed; retrying');
      },
      onDeadLetter: async (letter) => {
        logger.error({ ...letter }, 'notification not delivered after every attempt; dead-lettered');
        await options.history.addDeadLetter(letter);
      },
    });
  }

  /** Sinks as they may be shown (secrets redacted). */
  describeSinks(): Record<string, unknown>[] {
    return this.#options.config.sinks.map(redactSink);
  }

  route(notification: Notification): string[] {
    return this.#notifier.route(notification);
  }

  async send(notification: Notification): Promise<SinkOutcome[]> {
    const outcomes = await this.#notifier.notify(notification, this.#closing.signal);
    for (const outcome of outcomes) {
      if (outcome.type === 'delivered') {
        this.#options.logger.info(
          {
            sink: outcome.sink,
            event: notification.event,
            fingerprint: notification.fingerprint,
            clusterId: notification.clusterId,
            attempts: outcome.attempts,
          },
          'notification delivered',
        );
      }
    }
    return outcomes;
  }

  /** Stops retry waits (their notices are dead-lettered). */
  close(): void {
    this.#closing.abort();
  }
}
