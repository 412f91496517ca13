import type { RedisClient } from './redis-script.js';

/** One message on the replicas' shared channel; `from` lets a replica skip its own messages. */
export type RedisEvent =
  | { readonly type: 'enqueued'; readonly from: string; readonly clusterId: string }
  | { readonly type: 'finished'; readonly from: string; readonly record: string };

type Listener = (event: RedisEvent) => void;

/**
 * Cross-replica signals over one pub/sub channel on a dedicated subscriber connection. Pub/sub is
 * fire-and-forget: a replica that misses a message (reconnecting) loses only a wake-up, never a
 * command; the queue and the records stay in Redis and the caller's deadline still settles it.
 */
export class RedisEvents {
  readonly replicaId: string;
  readonly #publisher: RedisClient;
  readonly #subscriber: RedisClient;
  readonly #channel: string;
  readonly #listeners = new Set<Listener>();

  constructor(options: {
    publisher: RedisClient;
    subscriber: RedisClient;
    channel: string;
    replicaId: string;
  }) {
    this.replicaId = options.replicaId;
    this.#publisher = options.publisher;
    this.#subscriber = options.subscriber;
    this.#channel = options.channel;
    this.#subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.#channel) return;
      const event = parseEvent(message);
      if (event === null || event.from === this.replicaId) return;
      for (const listener of this.#listeners) listener(event);
    });
  }

  async start(): Promise<void> {
    await this.#subscriber.subscribe(this.#channel);
  }

  publish(event: RedisEvent): Promise<number> {
    return this.#publisher.publish(this.#channel, JSON.stringify(event));
  }

  listen(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

const parseEvent = (message: string): RedisEvent | null => {
  try {
    const value = JSON.parse(message) as Partial<Record<string, unknown>>;
    if (typeof value.from !== 'string') return null;
    if (value.type === 'enqueued' && typeof value.clusterId === 'string')
      return { type: 'enqueued', from: value.from, clusterId: value.clusterId };
    if (value.type === 'finished' && typeof value.record === 'string')
      return { type: 'finished', from: value.from, record: value.record };
    return null;
  } catch {
    return null;
  }
};
