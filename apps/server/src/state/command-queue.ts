import type { Command } from '@kubently/protocol';

/**
 * Per-cluster command queue with delivery tracking and acks (Redis Streams semantics: XADD,
 * XREADGROUP per executor, XACK, XAUTOCLAIM). A command is either queued (not yet delivered),
 * pending (delivered to exactly one executor, not acked) or gone (acked, cancelled, released).
 */
export interface CommandQueue {
  enqueue(command: Command): Promise<void>;
  /** Takes up to `max` queued commands, oldest first, and marks them delivered to `executorId`. */
  claim(clusterId: string, executorId: string, max: number): Promise<Command[]>;
  /** Commands delivered to `executorId` and not acked, in delivery order. */
  pending(clusterId: string, executorId: string): Promise<Command[]>;
  /** Removes a pending or queued command; false when it was not in the queue. */
  ack(clusterId: string, commandId: string): Promise<boolean>;
  /** Removes a command only while it is still undelivered; false once delivered (or unknown). */
  cancel(clusterId: string, commandId: string): Promise<boolean>;
  /** Drops and returns every command delivered to `executorId` and not acked. */
  release(clusterId: string, executorId: string): Promise<Command[]>;
  /** Drops every queued and pending command of the cluster and returns them. */
  purge(clusterId: string): Promise<Command[]>;
  depth(clusterId: string): Promise<{ queued: number; pending: number }>;
  /** When the oldest undelivered command was issued (epoch ms), or null when none is queued. */
  oldestQueuedAt(clusterId: string): Promise<number | null>;
  /** Called after each enqueue with the command's cluster id; returns an unsubscribe function. */
  onEnqueued(listener: (clusterId: string) => void): () => void;
}
