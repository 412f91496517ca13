import { backoffDelay } from './backoff-delay.js';
import { deliverToSink } from './deliver-to-sink.js';
import type { ThreadStore } from './deliver-to-sink.js';
import type { Notification } from './notification.js';
import type { NotifyConfig, SinkConfig } from './notify-config.js';
import { scrubSinkSecrets, sinkSecrets } from './redact-sink.js';
import { routeNotification } from './route-notification.js';
import type { NotifyTransport } from './transport.js';

/** A notification that could not be delivered to a sink after every attempt. */
export interface DeadLetter {
  readonly sink: string;
  readonly sinkType: SinkConfig['type'];
  readonly event: Notification['event'];
  readonly fingerprint: string;
  readonly clusterId: string;
  readonly attempts: number;
  /** The last failure, sink secrets scrubbed. */
  readonly error: string;
  readonly failedAt: number;
}

export type SinkOutcome =
  | { readonly sink: string; readonly type: 'delivered'; readonly attempts: number }
  | {
      readonly sink: string;
      readonly type: 'dead-lettered';
      readonly attempts: number;
      readonly error: string;
    };

export interface NotifierOptions {
  readonly config: Pick<NotifyConfig, 'sinks' | 'routes' | 'delivery'>;
  readonly transport: NotifyTransport;
  /** Epoch ms. */
  readonly now: () => number;
  /** Waits `ms` (tests resolve it at once or step it); rejects when `signal` aborts. */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly random?: () => number;
  readonly threads?: ThreadStore;
  readonly onDeadLetter: (letter: DeadLetter) => Promise<void>;
  /** Each failed attempt that will be retried (for logs); the message is already scrubbed. */
  readonly onRetry?: (info: { sink: string; attempt: number; delayMs: number; error: string }) => void;
}

/** A bounded in-memory thread store (first message of each thread per sink). */
export const createMemoryThreadStore = (maxEntries = 10_000): ThreadStore => {
  const entries = new Map<string, string>();
  return {
    get: (sink, threadKey) => entries.get(`${sink}\u0000${threadKey}`),
    set: (sink, threadKey, threadId) => {
      const key = `${sink}\u0000${threadKey}`;
      entries.delete(key);
      entries.set(key, threadId);
      if (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
    },
  };
};

/**
 * Routes a notification to its sinks and delivers to each (in parallel) with retries and
 * full-jitter backoff; a sink that keeps failing gets a dead letter. Never throws for a sink's
 * failure: the outcome per sink is the result.
 */
export class Notifier {
  readonly #options: NotifierOptions;
  readonly #sinks: ReadonlyMap<string, SinkConfig>;
  readonly #secrets: readonly string[];
  readonly #threads: ThreadStore;

  constructor(options: NotifierOptions) {
    this.#options = options;
    this.#sinks = new Map(options.config.sinks.map((sink) => [sink.name, sink]));
    this.#secrets = sinkSecrets(options.config.sinks);
    this.#threads = options.threads ?? createMemoryThreadStore();
  }

  /** The sink names a notification would go to. */
  route(notification: Notification): string[] {
    return routeNotification(this.#options.config.routes, notification);
  }

  async notify(notification: Notification, signal: AbortSignal): Promise<SinkOutcome[]> {
    const names = this.route(notification);
    return Promise.all(
      names.flatMap((name) => {
        const sink = this.#sinks.get(name);
        return sink === undefined ? [] : [this.#deliver(sink, notification, signal)];
      }),
    );
  }

  async #deliver(sink: SinkConfig, notification: Notification, signal: AbortSignal): Promise<SinkOutcome> {
    const { delivery } = this.#options.config;
    const random = this.#options.random ?? Math.random;
    let lastError = '';
    let attempt = 0;
    while (attempt < delivery.attempts) {
      attempt += 1;
      let isRetryable = true;
      try {
        const result = await deliverToSink({
          sink,
          notification,
          transport: this.#options.transport,
          threads: this.#threads,
          nowSeconds: Math.floor(this.#options.now() / 1000),
          timeoutMs: delivery.timeoutMs,
          signal,
        });
        if (result.ok) return { sink: sink.name, type: 'delivered', attempts: attempt };
        lastError = result.message;
        isRetryable = result.isRetryable;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      }
      // Scrub before shortening: a secret cut in half would no longer match.
      lastError = shorten(scrubSinkSecrets(lastError, this.#secrets));
      if (!isRetryable || attempt >= delivery.attempts || signal.aborted) break;
      const delayMs = backoffDelay(attempt, delivery.initialBackoffMs, delivery.maxBackoffMs, random);
      this.#options.onRetry?.({ sink: sink.name, attempt, delayMs, error: lastError });
      try {
        await this.#options.sleep(delayMs, signal);
      } catch {
        break;
      }
    }
    await this.#options.onDeadLetter({
      sink: sink.name,
      sinkType: sink.type,
      event: notification.event,
      fingerprint: notification.fingerprint,
      clusterId: notification.clusterId,
      attempts: attempt,
      error: lastError,
      failedAt: this.#options.now(),
    });
    return { sink: sink.name, type: 'dead-lettered', attempts: attempt, error: lastError };
  }
}

/** Error text kept in logs and dead letters. */
const maxErrorChars = 300;
const shorten = (text: string): string =>
  text.length <= maxErrorChars ? text : `${text.slice(0, maxErrorChars)}…`;
