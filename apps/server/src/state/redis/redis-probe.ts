import type { RedisClient } from './redis-script.js';

export interface RedisProbeOptions {
  readonly publisher: RedisClient;
  readonly subscriber: RedisClient;
  /** A channel of this replica only: `<prefix>probe:<replicaId>`. */
  readonly channel: string;
  /** Monotonic milliseconds (performance.now in production). */
  readonly now: () => number;
  /** A probe message not back within this long fails the sample. */
  readonly timeoutMs: number;
}

/**
 * Measures Redis as the replicas experience it, for telemetry: a PING round trip on the command
 * connection, and the time a message published on the command connection takes to arrive on this
 * replica's subscriber connection (the path every cross-replica wake-up takes). Both ends are this
 * process, so no clock skew enters the lag.
 */
export class RedisProbe {
  readonly #options: RedisProbeOptions;
  readonly #waiting = new Map<string, (receivedAt: number) => void>();
  #sequence = 0;

  constructor(options: RedisProbeOptions) {
    this.#options = options;
    options.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== options.channel) return;
      const resolve = this.#waiting.get(message);
      this.#waiting.delete(message);
      resolve?.(options.now());
    });
  }

  async start(): Promise<void> {
    await this.#options.subscriber.subscribe(this.#options.channel);
  }

  async roundTripSeconds(): Promise<number> {
    const started = this.#options.now();
    await this.#options.publisher.ping();
    return (this.#options.now() - started) / 1000;
  }

  async pubsubLagSeconds(): Promise<number> {
    const id = String((this.#sequence += 1));
    let timer: NodeJS.Timeout | undefined;
    const received = new Promise<number>((resolve, reject) => {
      this.#waiting.set(id, resolve);
      timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(new Error(`no pub/sub probe message within ${this.#options.timeoutMs} ms`));
      }, this.#options.timeoutMs);
    });
    // A timeout while the publish is still out must not surface as an unhandled rejection.
    received.catch(() => undefined);
    const started = this.#options.now();
    try {
      await this.#options.publisher.publish(this.#options.channel, id);
      return ((await received) - started) / 1000;
    } finally {
      clearTimeout(timer);
      this.#waiting.delete(id);
    }
  }
}
