import type { Command, CommandFailure } from '@kubently/protocol';

import type { AuditOutcome } from '../audit/audit-writer.js';
import { isKubentlyError, KubentlyError } from '../errors/kubently-error.js';
import type { Logger } from '../support/logger.js';
import type { Timers } from '../support/timers.js';
import type { CommandRecord } from '../state/command-store.js';
import type { StateStore } from '../state/state-store.js';
import type { CommandLimits } from './command-limits.js';

/** Ends an open command with a server-side failure and audits it; null when it had already ended. */
export type FailCommand = (
  command: Command,
  failure: CommandFailure,
  outcome: AuditOutcome,
) => Promise<CommandRecord | null>;

/** How long an answer waits for its slot to be released before it goes anyway. */
const releaseWaitMs = 1000;

export interface CommandWaitsOptions {
  readonly state: StateStore;
  readonly timers: Timers;
  readonly logger: Logger;
  readonly limits: CommandLimits;
  readonly executorGraceMs: number;
  readonly fail: FailCommand;
}

/** How one command is waited for, decided by `submit`. */
export interface WaitPlan {
  /** True: the caller awaits the result (`start` returns the promise it settles). */
  readonly wait: boolean;
  /** How long the caller waits: timeoutSeconds, or less when X-Request-Timeout says so. */
  readonly waitSeconds: number;
  /** When the server ends the command itself: waitSeconds, or timeout plus slack when not waited for. */
  readonly deadlineMs: number;
  /** No executor of the cluster is connected: withdraw the command after the executor grace. */
  readonly awaitExecutor: boolean;
}

type Outcome = { readonly record: CommandRecord } | { readonly error: KubentlyError };

interface Tracker {
  readonly command: Command;
  readonly identity: string;
  readonly waitSeconds: number;
  cancelDeadline: (() => void) | undefined;
  cancelGrace: (() => void) | undefined;
  unwatch: (() => void) | undefined;
  settle: ((outcome: Outcome) => void) | undefined;
}

/**
 * The open commands of this replica and their callers: each ends with its result, its deadline,
 * the executor grace or its caller leaving, whichever comes first (DESIGN §2). Whatever ends it
 * releases its timers and abort listener at once, and frees its caller's slot before the caller
 * hears the outcome, so a caller that submits again right away is not refused for the old one.
 */
export class CommandWaits {
  readonly #options: CommandWaitsOptions;
  readonly #trackers = new Map<string, Tracker>();

  constructor(options: CommandWaitsOptions) {
    this.#options = options;
  }

  /**
   * Tracks a created command before it is queued, so a result that arrives at once still finds its
   * waiter. Returns the caller's promise when `plan.wait`.
   */
  start(command: Command, identity: string, plan: WaitPlan): Promise<CommandRecord> | undefined {
    const tracker: Tracker = {
      command,
      identity,
      waitSeconds: plan.waitSeconds,
      cancelDeadline: undefined,
      cancelGrace: undefined,
      unwatch: undefined,
      settle: undefined,
    };
    this.#trackers.set(command.id, tracker);
    const waiting = plan.wait
      ? new Promise<CommandRecord>((resolve, reject) => {
          tracker.settle = (outcome) => {
            if ('record' in outcome) resolve(outcome.record);
            else reject(outcome.error);
          };
        })
      : undefined;
    const { timers } = this.#options;
    tracker.cancelDeadline = timers.after(plan.deadlineMs, () => {
      this.#settleOnError(tracker, this.#onDeadline(tracker));
    });
    if (plan.awaitExecutor) {
      tracker.cancelGrace = timers.after(this.#options.executorGraceMs, () => {
        this.#settleOnError(tracker, this.#onGrace(tracker));
      });
    }
    return waiting;
  }

  /**
   * The command is queued: from now on the caller leaving ends it (withdrawn if undelivered, else
   * failed and its executor sent `cancel`). A signal that is already aborted ends it now.
   */
  watch(commandId: string, signal: AbortSignal | undefined): void {
    const tracker = this.#trackers.get(commandId);
    if (tracker === undefined || signal === undefined) return;
    const onAbort = (): void => {
      this.#settleOnError(tracker, this.#onCallerGone(tracker));
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    tracker.unwatch = () => {
      signal.removeEventListener('abort', onAbort);
    };
  }

  /** The caller left before the command was queued: it ends without ever being sent. */
  withdrawUnqueued(commandId: string): void {
    const tracker = this.#trackers.get(commandId);
    if (tracker === undefined) return;
    this.#settleOnError(
      tracker,
      this.#endTaken(tracker, 'the caller went away before the command was queued; it was not sent'),
    );
  }

  /**
   * Queueing failed: the caller gets `reason` at once, through `waiting` when there is one, so no
   * promise is left to reject unobserved. The command is then withdrawn in the background (the
   * backend may be stalled, and the caller must not wait for it): its queue entry cancelled, in
   * case the write reached the backend unanswered, its record failed with one audit record and its
   * slot released. If the backend is still away, the withdrawal is tried once more at the deadline.
   */
  abandon(
    commandId: string,
    reason: KubentlyError,
    waiting: Promise<CommandRecord> | undefined,
  ): Promise<CommandRecord> {
    const tracker = this.#trackers.get(commandId);
    if (tracker === undefined || !this.#take(tracker)) return Promise.reject(reason);
    const { command, identity } = tracker;
    const withdraw = async (): Promise<void> => {
      // The record is failed even when the cancel fails (the caller was told so); the cancel is
      // then retried, so an entry that did reach the queue is not delivered later.
      const cancelError = await this.#options.state.queue.cancel(command.clusterId, commandId).then(
        () => null,
        (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
      );
      await this.#options.fail(
        command,
        {
          code: 'executor_error',
          message: `the command could not be queued, so it was not sent; it was withdrawn: ${reason.message}`,
        },
        'unavailable',
      );
      await this.#options.limits.release(identity, commandId);
      if (cancelError !== null) throw cancelError;
    };
    const attempt = (isFirst: boolean): void => {
      withdraw().catch((error: unknown) => {
        this.#options.logger.warn(
          { err: error, commandId, clusterId: command.clusterId, retry: isFirst },
          'withdrawing a command whose enqueue failed failed too',
        );
        if (isFirst)
          this.#options.timers.after(tracker.waitSeconds * 1000, () => {
            attempt(false);
          });
      });
    };
    attempt(true);
    if (waiting === undefined) return Promise.reject(reason);
    tracker.settle?.({ error: reason });
    return waiting;
  }

  /** The store's finished signal (any replica): the waiter gets the record. */
  wake(record: CommandRecord): void {
    const tracker = this.#trackers.get(record.command.id);
    if (tracker === undefined || !this.#take(tracker)) return;
    this.#settle(tracker, { record });
  }

  /** Shutdown: every waiter gets shutting_down; the commands stay open for another replica. */
  close(): void {
    for (const tracker of this.#trackers.values()) {
      this.#release(tracker);
      tracker.settle?.({
        error: new KubentlyError(
          'shutting_down',
          'the server shut down before the command finished; retry it',
        ),
      });
    }
    this.#trackers.clear();
  }

  /**
   * Frees the caller's slot, then answers the caller, so a caller running commands back to back
   * never meets its own limit. The slot is best effort and never throws; a stalled backend delays
   * the answer by at most `releaseWaitMs` (the slot then frees itself at its release time).
   */
  #settle(tracker: Tracker, outcome: Outcome): void {
    let answered = false;
    const answer = (): void => {
      if (answered) return;
      answered = true;
      cancel();
      tracker.settle?.(outcome);
    };
    const cancel = this.#options.timers.after(releaseWaitMs, answer);
    this.#options.limits.release(tracker.identity, tracker.command.id).then(answer, answer);
  }

  /** A timer's state call failed (e.g. the state backend is away): the caller gets that error, never a hang. */
  #settleOnError(tracker: Tracker, work: Promise<void>): void {
    work.catch((error: unknown) => {
      this.#options.logger.warn({ err: error, commandId: tracker.command.id }, 'command timer failed');
      this.#take(tracker);
      this.#settle(tracker, {
        error: isKubentlyError(error)
          ? error
          : new KubentlyError('internal', 'the command could not be ended cleanly; see the server log'),
      });
    });
  }

  #release(tracker: Tracker): void {
    tracker.cancelDeadline?.();
    tracker.cancelGrace?.();
    tracker.unwatch?.();
    tracker.cancelDeadline = undefined;
    tracker.cancelGrace = undefined;
    tracker.unwatch = undefined;
  }

  /** Detaches the tracker so nothing else settles it, and releases its timers and listener. */
  #take(tracker: Tracker): boolean {
    if (this.#trackers.get(tracker.command.id) !== tracker) return false;
    this.#trackers.delete(tracker.command.id);
    this.#release(tracker);
    return true;
  }

  async #onGrace(tracker: Tracker): Promise<void> {
    tracker.cancelGrace = undefined;
    const { command } = tracker;
    if (!(await this.#options.state.queue.cancel(command.clusterId, command.id))) return;
    if (!this.#take(tracker)) return;
    await this.#unavailable(tracker);
  }

  async #onDeadline(tracker: Tracker): Promise<void> {
    if (!this.#take(tracker)) return;
    const { command } = tracker;
    if (await this.#options.state.queue.cancel(command.clusterId, command.id)) {
      await this.#unavailable(tracker);
      return;
    }
    const record = await this.#options.fail(
      command,
      {
        code: 'command_timeout',
        message: `no result within ${tracker.waitSeconds} s; a late result is discarded`,
      },
      'timeout',
    );
    if (record === null) {
      // A result won the race: answer with it.
      const finished = await this.#options.state.commands.get(command.id);
      if (finished !== null) {
        this.#settle(tracker, { record: finished });
        return;
      }
    }
    this.#settle(tracker, {
      error: new KubentlyError(
        'command_timeout',
        `cluster "${command.clusterId}" returned no result within ${tracker.waitSeconds} s; raise timeoutSeconds (max 300) or check the executor`,
        { details: { commandId: command.id, timeoutSeconds: tracker.waitSeconds } },
      ),
    });
  }

  /**
   * The caller went away: an undelivered command is withdrawn; a delivered one ends now (failed,
   * one audit record), which makes the hub holding its executor's link send `cancel` (see
   * ExecutorHub). The executor's late result is acked and dropped (the record is already terminal).
   */
  async #onCallerGone(tracker: Tracker): Promise<void> {
    const { command } = tracker;
    const withdrawn = await this.#options.state.queue.cancel(command.clusterId, command.id);
    await this.#endTaken(
      tracker,
      withdrawn
        ? 'the caller went away before the command was delivered'
        : 'the caller went away while the command was running; the executor was asked to stop it',
    );
  }

  /** Ends the command as failed with `message` and answers the caller with the final record. */
  async #endTaken(tracker: Tracker, message: string): Promise<void> {
    if (!this.#take(tracker)) return;
    const { command } = tracker;
    const record = await this.#options.fail(command, { code: 'executor_error', message }, 'failed');
    // The tracker is detached, so the finished signal will not settle it: settle here.
    const final = record ?? (await this.#options.state.commands.get(command.id));
    if (final !== null) this.#settle(tracker, { record: final });
  }

  async #unavailable(tracker: Tracker): Promise<void> {
    const { command } = tracker;
    const seconds = Math.round(this.#options.executorGraceMs / 100) / 10;
    await this.#options.fail(
      command,
      {
        code: 'executor_error',
        message: `no executor of cluster "${command.clusterId}" connected within ${seconds} s; the command was not sent`,
      },
      'unavailable',
    );
    this.#settle(tracker, {
      error: new KubentlyError(
        'executor_unavailable',
        `no executor of cluster "${command.clusterId}" is connected; start one (kubently executor) or check its logs, then retry`,
        { details: { clusterId: command.clusterId, commandId: command.id } },
      ),
    });
  }
}
