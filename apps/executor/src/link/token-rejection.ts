import { KubentlyError } from '../executor-error.js';
import type { Logger } from '../logger.js';

/** Thrown out of a link when the server says the cluster was removed (410 cluster_removed). */
export class ClusterRemovedError extends KubentlyError {
  constructor(message: string) {
    super('cluster_removed', message);
  }
}

/** First wait after a rejection; it doubles up to the configured cap (minutes by default). */
const firstRejectedDelayMs = 30_000;

/**
 * What the link does when the server refuses the token (401, 403): it is not a network blip, so
 * instead of the reconnect storm it logs one line, waits minutes between attempts (doubling from
 * 30 s to `capMs`, jittered down by at most half) and logs once more when the token works again.
 * A 410 `cluster_removed` is not retried at all: the link throws ClusterRemovedError.
 */
export class TokenRejection {
  readonly #logger: Logger;
  readonly #capMs: number;
  readonly #random: () => number;
  readonly #onChange: (message: string | null) => void;
  #attempts = 0;

  constructor(options: {
    logger: Logger;
    capMs: number;
    random: () => number;
    /** The rejection message while rejected, null once accepted again (for /readyz). */
    onChange: (message: string | null) => void;
  }) {
    this.#logger = options.logger;
    this.#capMs = options.capMs;
    this.#random = options.random;
    this.#onChange = options.onChange;
  }

  get isRejected(): boolean {
    return this.#attempts > 0;
  }

  /**
   * The delay before the next attempt when `error` is a refusal of the token, else null (the
   * caller's usual backoff applies). Throws ClusterRemovedError for a removed cluster.
   */
  delayFor(error: unknown): number | null {
    if (!(error instanceof KubentlyError)) return null;
    if (error.code === 'cluster_removed') throw new ClusterRemovedError(error.message);
    if (error.code !== 'unauthorized' && error.code !== 'forbidden') return null;
    if (this.#attempts === 0) {
      const message = `the server rejects this executor's token (${error.code}): fix KUBENTLY_TOKEN (a new one: \`kubently clusters rotate-token <cluster>\`) and restart the executor; retrying every few minutes meanwhile`;
      this.#logger.error({ err: error.message }, message);
      this.#onChange(message);
    } else {
      this.#logger.debug({ attempt: this.#attempts }, 'the token is still rejected');
    }
    const ceiling = Math.min(this.#capMs, firstRejectedDelayMs * 2 ** Math.min(this.#attempts, 20));
    this.#attempts += 1;
    return Math.floor(ceiling / 2 + (this.#random() * ceiling) / 2);
  }

  /** The server took the token again. */
  accepted(): void {
    if (this.#attempts === 0) return;
    this.#attempts = 0;
    this.#logger.info('the server accepts the token again');
    this.#onChange(null);
  }
}
