import type { CommandRecord } from '../command-store.js';
import type { BadDataReporter } from './bad-data-reporter.js';
import { redisEventMessageSchema } from './redis-record-schemas.js';
import type { RedisClient } from './redis-script.js';

/** One message on the replicas' shared channel; `from` lets a replica skip its own messages. */
export type RedisEvent =
  | { readonly type: 'enqueued'; readonly from: string; readonly clusterId: string }
  | { readonly type: 'finished'; readonly from: string; readonly record: CommandRecord };

type Listener = (event: RedisEvent) => void;

/**
 * Cross-replica signals over one pub/sub channel on a dedicated subscriber connection. Pub/sub is
 * fire-and-forget: a replica that misses a message (reconnecting) loses only a wake-up, never a
 * command; the queue and the records stay in Redis and the caller's deadline still settles it.
 * A message that fails its schema is dropped (logged, counted): the same deadline covers it. No
 * listener can throw into ioredis: each one runs guarded.
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
    reporter: BadDataReporter;
  }) {
    this.replicaId = options.replicaId;
    this.#publisher = options.publisher;
    this.#subscriber = options.subscriber;
    this.#channel = options.channel;
    const site = { entity: 'events', key: options.channel };
    this.#subscriber.on(
      'message',
      options.reporter.guard(site, (channel: string, message: string) => {
        if (channel !== this.#channel) return;
        const event = options.reporter.parseJson(redisEventMessageSchema, message, site, 'bad_message');
        if (event === null || event.from === this.replicaId) return;
        for (const listener of this.#listeners) options.reporter.guard(site, listener)(event);
      }),
    );
  }

  async start(): Promise<void> {
    await this.#subscriber.subscribe(this.#channel);
  }

  publish(event: RedisEvent): Promise<number> {
    const message = event.type === 'finished' ? { ...event, record: JSON.stringify(event.record) } : event;
    return this.#publisher.publish(this.#channel, JSON.stringify(message));
  }

  listen(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
