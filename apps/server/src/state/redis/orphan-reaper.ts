import type { Command } from '@kubently/protocol';

import type { Clock } from '../../support/clock.js';
import type { RedisClusterRegistry } from './redis-cluster-registry.js';
import type { RedisCommandQueue } from './redis-command-queue.js';

export type LostListener = (command: Command, executorId: string) => Promise<void>;

/** Hears a listener's failure for one released command; the pass goes on with the others. */
export type LostFailure = (error: unknown, command: Command, executorId: string) => void;

/**
 * Finds commands delivered to an executor that no replica vouches for any more (its replica died,
 * so that replica's redelivery-grace timer died with it) and releases them, so they fail
 * definitely (relay-wire rule 3). An executor counts as gone when its `alive` key has expired and
 * it was last seen more than the redelivery grace ago. Every replica runs this; the release
 * script hands each command to exactly one of them.
 */
export class OrphanReaper {
  readonly #queue: RedisCommandQueue;
  readonly #clusters: RedisClusterRegistry;
  readonly #clock: Clock;
  readonly #graceMs: number;
  readonly #onFailure: LostFailure;
  #listener: LostListener | undefined;

  constructor(options: {
    queue: RedisCommandQueue;
    clusters: RedisClusterRegistry;
    clock: Clock;
    redeliveryGraceMs: number;
    onFailure: LostFailure;
  }) {
    this.#queue = options.queue;
    this.#clusters = options.clusters;
    this.#clock = options.clock;
    this.#graceMs = options.redeliveryGraceMs;
    this.#onFailure = options.onFailure;
  }

  onLost(listener: LostListener): void {
    this.#listener = listener;
  }

  /** One pass over every cluster stream; returns how many commands it released. */
  async reap(): Promise<number> {
    let released = 0;
    for (const clusterId of await this.#queue.clusterIds()) {
      const consumers = await this.#queue.consumers(clusterId);
      if (consumers.length === 0) continue;
      const presence = await this.#clusters.listPresence(clusterId);
      for (const executorId of consumers) {
        if (await this.#clusters.isAlive(clusterId, executorId)) continue;
        const lastSeenAt = presence.find((entry) => entry.executorId === executorId)?.lastSeenAt;
        if (lastSeenAt !== undefined && this.#clock.now() - lastSeenAt < this.#graceMs) continue;
        const lost = await this.#queue.release(clusterId, executorId);
        released += lost.length;
        for (const command of lost) {
          // Released commands are out of the stream: each one still gets its chance to fail definitely.
          try {
            await this.#listener?.(command, executorId);
          } catch (error) {
            this.#onFailure(error, command, executorId);
          }
        }
      }
    }
    return released;
  }
}
