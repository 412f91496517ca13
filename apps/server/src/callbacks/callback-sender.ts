import { randomUUID } from 'node:crypto';

import { isKubentlyError } from '../errors/kubently-error.js';
import { signCallback } from '../commands/callback-signature.js';
import type { Clock } from '../support/clock.js';
import type { Logger } from '../support/logger.js';
import type { Timers } from '../support/timers.js';
import type { CallbackConfig } from './callback-config.js';
import { resolveCallbackTarget } from './callback-target.js';
import type { ResolveHost } from './callback-target.js';
import { postPinned } from './post-pinned.js';

export interface Delivery {
  readonly url: URL;
  /** The exact bytes signed and sent. */
  readonly body: string;
  readonly contentType: string;
  /** Extra headers (an A2A push token); the signature headers are added per attempt. */
  readonly headers?: Readonly<Record<string, string>>;
  /** What the delivery is about, for the log lines (a command id, a task id). */
  readonly subject: Readonly<Record<string, string>>;
}

export type DeliveryOutcome =
  | { readonly type: 'delivered'; readonly attempts: number; readonly status: number }
  | { readonly type: 'refused'; readonly attempts: number; readonly reason: string }
  | { readonly type: 'gave-up'; readonly attempts: number; readonly reason: string }
  | { readonly type: 'aborted'; readonly attempts: number };

export interface CallbackSenderOptions {
  readonly config: CallbackConfig;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly logger: Logger;
  readonly resolve: ResolveHost;
}

/** Another attempt may succeed: the receiver was down, busy or slow. */
const isRetryableStatus = (status: number): boolean => status === 408 || status === 429 || status >= 500;

/**
 * Signs and POSTs deliveries with bounded retries and exponential backoff (injected timers): the
 * URL is checked again before every attempt (DNS may have changed since it was accepted) and the
 * connection goes to the checked address only. A 2xx ends it; a redirect or another 4xx is final
 * (never followed, never retried); network errors, 408, 429 and 5xx are retried. One log line per
 * attempt names the host (not the path or query, which may carry tokens), the status and the outcome.
 */
export class CallbackSender {
  readonly #options: CallbackSenderOptions;
  readonly #closing = new AbortController();

  constructor(options: CallbackSenderOptions) {
    this.#options = options;
  }

  async deliver(delivery: Delivery): Promise<DeliveryOutcome> {
    const { config, logger, clock } = this.#options;
    const secret = config.secret;
    const deliveryId = randomUUID();
    const host = delivery.url.host;
    const log = { ...delivery.subject, deliveryId, host };
    if (secret === null) {
      logger.warn(log, 'callback refused: KUBENTLY_CALLBACK_SECRET is not set');
      return { type: 'refused', attempts: 0, reason: 'no signing secret' };
    }
    let reason = '';
    for (let attempt = 1; attempt <= config.maxAttempts; attempt += 1) {
      if (this.#isClosing()) return { type: 'aborted', attempts: attempt - 1 };
      let status: number | undefined;
      try {
        const target = await resolveCallbackTarget(delivery.url, config, this.#options.resolve);
        const headers = {
          ...delivery.headers,
          'content-type': delivery.contentType,
          'user-agent': 'kubently-callback',
          'x-kubently-delivery': deliveryId,
          ...signCallback(secret, delivery.body, clock.now()),
        };
        status = await postPinned(target, delivery.body, headers, {
          timeoutMs: config.attemptTimeoutMs,
          signal: this.#closing.signal,
        });
      } catch (error) {
        if (this.#isClosing()) return { type: 'aborted', attempts: attempt };
        reason = error instanceof Error ? error.message : String(error);
        if (isKubentlyError(error) && error.code === 'validation_failed') {
          logger.warn({ ...log, attempt, outcome: 'refused', reason }, 'callback attempt');
          return { type: 'refused', attempts: attempt, reason };
        }
      }
      if (status !== undefined && status >= 200 && status < 300) {
        logger.info({ ...log, attempt, status, outcome: 'delivered' }, 'callback attempt');
        return { type: 'delivered', attempts: attempt, status };
      }
      if (status !== undefined) {
        reason = `HTTP ${String(status)}`;
        if (!isRetryableStatus(status)) {
          const why = status >= 300 && status < 400 ? `${reason} (redirects are not followed)` : reason;
          logger.warn({ ...log, attempt, status, outcome: 'refused', reason: why }, 'callback attempt');
          return { type: 'refused', attempts: attempt, reason: why };
        }
      }
      const last = attempt === config.maxAttempts;
      logger.warn(
        { ...log, attempt, status, reason, outcome: last ? 'gave-up' : 'retry' },
        'callback attempt',
      );
      if (last) break;
      const delayMs = Math.min(config.retryMaxMs, config.retryBaseMs * 2 ** (attempt - 1));
      if (!(await this.#pause(delayMs))) return { type: 'aborted', attempts: attempt };
    }
    return { type: 'gave-up', attempts: config.maxAttempts, reason };
  }

  /** Stops waiting retries and open attempts (shutdown). */
  close(): void {
    this.#closing.abort();
  }

  /** A method, not a property read: closing happens while an attempt is awaited. */
  #isClosing(): boolean {
    return this.#closing.signal.aborted;
  }

  /** False when the sender closed during the pause. */
  #pause(ms: number): Promise<boolean> {
    const signal = this.#closing.signal;
    return new Promise((resolve) => {
      const onAbort = (): void => {
        cancel();
        resolve(false);
      };
      const cancel = this.#options.timers.after(ms, () => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      });
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
