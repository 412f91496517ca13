import type { Command } from '@kubently/protocol';

import type { CommandRecord } from '../state/command-store.js';

import type { Clock } from '../support/clock.js';
import type { Logger } from '../support/logger.js';
import type { StateStore } from '../state/state-store.js';
import type { ServerMetrics } from '../telemetry/index.js';
import { noopServerMetrics } from '../telemetry/index.js';
import type { ExecutorLink, SessionNotice } from './executor-link.js';

export interface ExecutorHubOptions {
  readonly state: StateStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly redeliveryGraceMs: number;
  /** A command delivered to an executor that vanished without acking it: fail it definitely. */
  readonly onLost: (command: Command, executorId: string) => Promise<void>;
  readonly metrics?: ServerMetrics;
}

/**
 * The executor links this replica holds, and delivery from the cluster queues to them: each
 * queued command goes to the least loaded open link of its cluster (round robin among equals),
 * the moment it is enqueued or a link attaches. No polling: the queue's enqueue signal drives it.
 */
export class ExecutorHub {
  readonly #options: ExecutorHubOptions;
  readonly #metrics: ServerMetrics;
  readonly #links = new Map<string, Set<ExecutorLink>>();
  /** Commands delivered and not yet answered, by cluster/executor (the load `#pick` balances). */
  readonly #inFlight = new Map<string, number>();
  readonly #graceTimers = new Map<string, NodeJS.Timeout>();
  /** Commands handed to a long-poll whose answer never reached the executor, by cluster/executor. */
  readonly #unconfirmed = new Map<string, Set<string>>();
  readonly #draining = new Set<string>();
  readonly #drainAgain = new Set<string>();
  /** Clusters whose last delivery failed midway, with the timer of the next attempt. */
  readonly #resync = new Map<string, NodeJS.Timeout | undefined>();
  readonly #unsubscribe: () => void;
  readonly #unsubscribeFinished: () => void;
  #turn = 0;
  #closed = false;

  constructor(options: ExecutorHubOptions) {
    this.#options = options;
    this.#metrics = options.metrics ?? noopServerMetrics;
    this.#unsubscribe = options.state.queue.onEnqueued((clusterId) => {
      this.dispatch(clusterId);
    });
    // Every replica hears every finished command (local emit, or the backend's pub/sub), so the
    // replica holding the executor's link sends the cancel, whichever replica ended the command.
    this.#unsubscribeFinished = options.state.commands.onFinished((record) => {
      this.#cancelIfRunning(record);
    });
  }

  /** Whether an executor of the cluster holds an open link to this replica right now. */
  hasExecutor(clusterId: string): boolean {
    const links = this.#links.get(clusterId);
    if (links !== undefined) for (const link of links) if (link.isOpen) return true;
    return false;
  }

  /** The links this replica holds now (for the connection gauge). */
  links(): { clusterId: string; transport: 'sse' | 'poll' }[] {
    return [...this.#links.values()].flatMap((set) =>
      [...set].filter((link) => link.isOpen).map(({ clusterId, transport }) => ({ clusterId, transport })),
    );
  }

  connectedExecutorIds(clusterId: string): Set<string> {
    const ids = new Set<string>();
    for (const link of this.#links.get(clusterId) ?? []) ids.add(link.executorId);
    return ids;
  }

  /**
   * Adds a link, cancels its executor's redelivery countdown, re-sends the commands delivered to
   * that executor after `lastEventId` and not acked (all of them when the id is unknown; none for a
   * poll without the header), then delivers queued commands.
   */
  async attach(link: ExecutorLink, lastEventId: string | null): Promise<void> {
    if (this.#closed) {
      link.close();
      return;
    }
    const key = timerKey(link.clusterId, link.executorId);
    clearTimeout(this.#graceTimers.get(key));
    this.#graceTimers.delete(key);
    const { state, clock } = this.#options;
    await state.clusters.putPresence({
      clusterId: link.clusterId,
      executorId: link.executorId,
      connected: true,
      lastSeenAt: clock.now(),
    });
    let resend: Command[] = [];
    const unconfirmed = this.#unconfirmed.get(key);
    if (lastEventId !== null || link.transport === 'sse') {
      const pending = await state.queue.pending(link.clusterId, link.executorId);
      const index = lastEventId === null ? -1 : pending.findIndex((command) => command.id === lastEventId);
      resend = pending.slice(index + 1);
      this.#unconfirmed.delete(key);
    } else if (unconfirmed !== undefined) {
      this.#unconfirmed.delete(key);
      const pending = await state.queue.pending(link.clusterId, link.executorId);
      resend = pending.filter((command) => unconfirmed.has(command.id));
    }
    // The link joins only now, so re-sent commands precede new ones on the wire.
    if (this.#hasClosed()) {
      link.close();
      return;
    }
    if (!link.isOpen) {
      this.#startGrace(link);
      return;
    }
    let links = this.#links.get(link.clusterId);
    if (links === undefined) {
      links = new Set();
      this.#links.set(link.clusterId, links);
    }
    links.add(link);
    this.#metrics.executorConnected({ clusterId: link.clusterId, transport: link.transport });
    if (link.transport === 'sse') {
      // One executor process holds one stream: a new one means the old connection is dead (perhaps
      // not yet noticed), and frames written to it would be lost.
      for (const other of [...links]) {
        if (other !== link && other.executorId === link.executorId && other.transport === 'sse')
          other.close();
      }
    }
    if (resend.length > 0) {
      link.sendCommands(resend);
      this.#metrics.redelivered({ clusterId: link.clusterId, count: resend.length });
    }
    this.dispatch(link.clusterId);
  }

  /** Removes a link; the executor then has the redelivery grace to come back for its unacked commands. */
  detach(link: ExecutorLink): void {
    const links = this.#links.get(link.clusterId);
    if (links === undefined || !links.delete(link)) return;
    this.#metrics.executorDisconnected({ clusterId: link.clusterId, transport: link.transport });
    if (links.size === 0) this.#links.delete(link.clusterId);
    for (const other of links) if (other.executorId === link.executorId) return;
    if (link.transport === 'sse') this.#recordPresence(link.clusterId, link.executorId, false);
    this.#startGrace(link);
  }

  /** Read through a method: `close()` may run while `attach` awaits. */
  #hasClosed(): boolean {
    return this.#closed;
  }

  #startGrace(link: ExecutorLink): void {
    if (this.#closed) return;
    const key = timerKey(link.clusterId, link.executorId);
    clearTimeout(this.#graceTimers.get(key));
    const timer = setTimeout(() => {
      this.#graceTimers.delete(key);
      this.#expire(link.clusterId, link.executorId).catch((error: unknown) => {
        this.#options.logger.error({ err: error, clusterId: link.clusterId }, 'failing lost commands failed');
      });
    }, this.#options.redeliveryGraceMs);
    timer.unref();
    this.#graceTimers.set(key, timer);
  }

  /**
   * A long-poll answer carrying these commands did not reach its executor (the connection closed
   * first): its next poll gets them again, even without Last-Event-ID.
   */
  unconfirmed(clusterId: string, executorId: string, commandIds: readonly string[]): void {
    if (this.#closed || commandIds.length === 0) return;
    const key = timerKey(clusterId, executorId);
    let ids = this.#unconfirmed.get(key);
    if (ids === undefined) {
      ids = new Set();
      this.#unconfirmed.set(key, ids);
    }
    for (const id of commandIds) ids.add(id);
  }

  /** The executor a command was delivered to answered it (the caller checked who posted the result). */
  acked(clusterId: string, executorId: string): void {
    const key = timerKey(clusterId, executorId);
    const count = this.#inFlight.get(key);
    if (count === undefined) return;
    if (count <= 1) this.#inFlight.delete(key);
    else this.#inFlight.set(key, count - 1);
  }

  /** Session notices go to every open link of the cluster on this replica. */
  broadcast(clusterId: string, frame: SessionNotice): void {
    for (const link of this.#links.get(clusterId) ?? []) if (link.isOpen) link.sendNotice(frame);
  }

  /**
   * The server ended a command it had delivered and no result came (caller gone, deadline): nobody
   * can see its output any more, so the open links of its executor on this replica get `cancel`
   * and kubectl stops instead of running to its own timeout. The executor's late result is acked
   * and dropped (the record is terminal).
   */
  #cancelIfRunning(record: CommandRecord): void {
    if (this.#closed || record.status !== 'failed' || record.failure === null) return;
    if (record.result !== null || record.acked || record.deliveredTo === null) return;
    const { command, deliveredTo, failure } = record;
    let sent = 0;
    for (const link of this.#links.get(command.clusterId) ?? []) {
      if (!link.isOpen || link.executorId !== deliveredTo) continue;
      link.sendCancel({ type: 'cancel', commandId: command.id, reason: failure.message.slice(0, 512) });
      sent += 1;
    }
    if (sent > 0) {
      this.#options.logger.info(
        { commandId: command.id, clusterId: command.clusterId, executorId: deliveredTo },
        'asked the executor to cancel a command the server ended',
      );
    }
  }

  seen(clusterId: string, executorId: string): void {
    this.#recordPresence(clusterId, executorId, true);
  }

  /** Closes the cluster's links and forgets its executors (cluster removed). */
  closeCluster(clusterId: string): void {
    for (const [key, timer] of this.#graceTimers) {
      if (!key.startsWith(`${clusterId}/`)) continue;
      clearTimeout(timer);
      this.#graceTimers.delete(key);
    }
    for (const key of this.#unconfirmed.keys())
      if (key.startsWith(`${clusterId}/`)) this.#unconfirmed.delete(key);
    for (const key of this.#inFlight.keys()) if (key.startsWith(`${clusterId}/`)) this.#inFlight.delete(key);
    const links = [...(this.#links.get(clusterId) ?? [])];
    this.#links.delete(clusterId);
    for (const link of links) link.close();
  }

  dispatch(clusterId: string): void {
    if (this.#closed || !this.#links.has(clusterId)) return;
    if (this.#draining.has(clusterId)) {
      this.#drainAgain.add(clusterId);
      return;
    }
    this.#draining.add(clusterId);
    this.#drain(clusterId)
      .catch((error: unknown) => {
        // Logged once per failing streak; the retry below repeats every second while it lasts.
        if (!this.#resync.has(clusterId))
          this.#options.logger.error({ err: error, clusterId }, 'delivering commands failed; retrying');
        this.#resync.set(
          clusterId,
          setTimeout(() => {
            this.#resync.set(clusterId, undefined);
            this.dispatch(clusterId);
          }, resyncDelayMs).unref(),
        );
      })
      .finally(() => {
        this.#draining.delete(clusterId);
      });
  }

  close(): void {
    this.#closed = true;
    this.#unsubscribe();
    this.#unsubscribeFinished();
    for (const timer of this.#graceTimers.values()) clearTimeout(timer);
    this.#graceTimers.clear();
    for (const timer of this.#resync.values()) clearTimeout(timer);
    this.#resync.clear();
    const links = [...this.#links.values()].flatMap((set) => [...set]);
    this.#links.clear();
    for (const link of links) link.close();
  }

  async #drain(clusterId: string): Promise<void> {
    const { state } = this.#options;
    if (this.#resync.has(clusterId)) await this.#resend(clusterId);
    do {
      this.#drainAgain.delete(clusterId);
      for (;;) {
        const link = this.#pick(clusterId);
        if (link === undefined) break;
        const commands = await state.queue.claim(clusterId, link.executorId, 1);
        const command = commands[0];
        if (command === undefined) break;
        const key = timerKey(clusterId, link.executorId);
        this.#inFlight.set(key, (this.#inFlight.get(key) ?? 0) + 1);
        // A link that closed while claiming keeps the command pending: its executor gets it back on
        // reconnect within the grace, or the command fails definitely (see detach).
        if (link.isOpen) link.sendCommands(commands);
        await state.commands.markDelivered(command.id, link.executorId);
      }
    } while (this.#drainAgain.has(clusterId));
  }

  /**
   * After a failed delivery (the state backend went away or stalled mid-claim) a command may be
   * claimed for an executor but never sent: each open link gets its executor's unacked commands
   * again (the executor skips ids it already has, relay-wire redelivery).
   */
  async #resend(clusterId: string): Promise<void> {
    const sent = new Set<string>();
    for (const link of [...(this.#links.get(clusterId) ?? [])]) {
      if (!link.isOpen || sent.has(link.executorId)) continue;
      const pending = await this.#options.state.queue.pending(clusterId, link.executorId);
      if (pending.length > 0) {
        link.sendCommands(pending);
        this.#metrics.redelivered({ clusterId, count: pending.length });
      }
      sent.add(link.executorId);
    }
    clearTimeout(this.#resync.get(clusterId));
    this.#resync.delete(clusterId);
  }

  #pick(clusterId: string): ExecutorLink | undefined {
    const links = this.#links.get(clusterId);
    if (links === undefined) return undefined;
    // Least in-flight wins; scanning from a rotating start makes equal loads take turns.
    const start = this.#turn++ % links.size;
    let best: ExecutorLink | undefined;
    let bestLoad = Number.POSITIVE_INFINITY;
    let position = 0;
    for (const pass of [1, 0]) {
      position = 0;
      for (const link of links) {
        const inSecondHalf = position >= start;
        position += 1;
        if ((pass === 1) !== inSecondHalf || !link.isOpen) continue;
        const load = this.#inFlight.get(timerKey(clusterId, link.executorId)) ?? 0;
        if (load < bestLoad) {
          best = link;
          bestLoad = load;
        }
      }
    }
    return best;
  }

  async #expire(clusterId: string, executorId: string): Promise<void> {
    for (const link of this.#links.get(clusterId) ?? []) if (link.executorId === executorId) return;
    this.#recordPresence(clusterId, executorId, false);
    this.#unconfirmed.delete(timerKey(clusterId, executorId));
    const lost = await this.#options.state.queue.release(clusterId, executorId);
    this.#inFlight.delete(timerKey(clusterId, executorId));
    for (const command of lost) await this.#options.onLost(command, executorId);
  }

  #recordPresence(clusterId: string, executorId: string, connected: boolean): void {
    this.#options.state.clusters
      .putPresence({ clusterId, executorId, connected, lastSeenAt: this.#options.clock.now() })
      .catch((error: unknown) => {
        this.#options.logger.warn({ err: error, clusterId }, 'recording executor presence failed');
      });
  }
}

/** How soon delivery is tried again after it failed midway. */
const resyncDelayMs = 1000;

const timerKey = (clusterId: string, executorId: string): string => `${clusterId}/${executorId}`;
