import type { Command } from '@kubently/protocol';

import type { CommandQueue } from '../command-queue.js';

interface ClusterQueue {
  /** Undelivered commands; Map iteration order is insertion order, so this is FIFO. */
  readonly queued: Map<string, Command>;
  /** Delivered, not acked, in delivery order. */
  readonly pending: Map<string, { readonly command: Command; readonly executorId: string }>;
}

export class MemoryCommandQueue implements CommandQueue {
  readonly #clusters = new Map<string, ClusterQueue>();
  readonly #listeners = new Set<(clusterId: string) => void>();

  #cluster(clusterId: string): ClusterQueue {
    let queue = this.#clusters.get(clusterId);
    if (queue === undefined) {
      queue = { queued: new Map(), pending: new Map() };
      this.#clusters.set(clusterId, queue);
    }
    return queue;
  }

  enqueue(command: Command): Promise<void> {
    this.#cluster(command.clusterId).queued.set(command.id, command);
    for (const listener of this.#listeners) listener(command.clusterId);
    return Promise.resolve();
  }

  claim(clusterId: string, executorId: string, max: number): Promise<Command[]> {
    const queue = this.#clusters.get(clusterId);
    const claimed: Command[] = [];
    if (queue === undefined) return Promise.resolve(claimed);
    for (const [id, command] of queue.queued) {
      if (claimed.length >= max) break;
      queue.queued.delete(id);
      queue.pending.set(id, { command, executorId });
      claimed.push(command);
    }
    return Promise.resolve(claimed);
  }

  pending(clusterId: string, executorId: string): Promise<Command[]> {
    const queue = this.#clusters.get(clusterId);
    const result: Command[] = [];
    if (queue !== undefined) {
      for (const entry of queue.pending.values())
        if (entry.executorId === executorId) result.push(entry.command);
    }
    return Promise.resolve(result);
  }

  ack(clusterId: string, commandId: string): Promise<boolean> {
    const queue = this.#clusters.get(clusterId);
    if (queue === undefined) return Promise.resolve(false);
    const removed = queue.pending.delete(commandId) || queue.queued.delete(commandId);
    this.#dropIfEmpty(clusterId, queue);
    return Promise.resolve(removed);
  }

  cancel(clusterId: string, commandId: string): Promise<boolean> {
    const queue = this.#clusters.get(clusterId);
    if (queue === undefined) return Promise.resolve(false);
    const removed = queue.queued.delete(commandId);
    this.#dropIfEmpty(clusterId, queue);
    return Promise.resolve(removed);
  }

  release(clusterId: string, executorId: string): Promise<Command[]> {
    const queue = this.#clusters.get(clusterId);
    const released: Command[] = [];
    if (queue === undefined) return Promise.resolve(released);
    for (const [id, entry] of queue.pending) {
      if (entry.executorId !== executorId) continue;
      queue.pending.delete(id);
      released.push(entry.command);
    }
    this.#dropIfEmpty(clusterId, queue);
    return Promise.resolve(released);
  }

  purge(clusterId: string): Promise<Command[]> {
    const queue = this.#clusters.get(clusterId);
    if (queue === undefined) return Promise.resolve([]);
    this.#clusters.delete(clusterId);
    return Promise.resolve([
      ...queue.queued.values(),
      ...[...queue.pending.values()].map((entry) => entry.command),
    ]);
  }

  depth(clusterId: string): Promise<{ queued: number; pending: number }> {
    const queue = this.#clusters.get(clusterId);
    return Promise.resolve({ queued: queue?.queued.size ?? 0, pending: queue?.pending.size ?? 0 });
  }

  oldestQueuedAt(clusterId: string): Promise<number | null> {
    const oldest = this.#clusters.get(clusterId)?.queued.values().next();
    return Promise.resolve(oldest?.done === false ? Date.parse(oldest.value.issuedAt) : null);
  }

  onEnqueued(listener: (clusterId: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #dropIfEmpty(clusterId: string, queue: ClusterQueue): void {
    if (queue.queued.size === 0 && queue.pending.size === 0) this.#clusters.delete(clusterId);
  }
}
