import type { Command, CommandFailure, CommandResult, PolicyMode, ResultAck } from '@kubently/protocol';

import type { Caller } from '../auth/api-key-verifier.js';
import type { AuditOutcome, AuditWriter } from '../audit/audit-writer.js';
import { outcomeOfResult } from '../audit/audit-writer.js';
import { isKubentlyError, KubentlyError } from '../errors/kubently-error.js';
import type { ExecutorHub } from '../executors/executor-hub.js';
import { checkCommand } from '../policy/policy-gate.js';
import type { PolicyResolver } from '../policy/policy-gate.js';
import { isoAt } from '../support/clock.js';
import type { Clock } from '../support/clock.js';
import type { IdGenerator } from '../support/ids.js';
import type { Logger } from '../support/logger.js';
import type { CommandRecord, CommandSource } from '../state/command-store.js';
import type { StateStore } from '../state/state-store.js';

export interface SubmitInput {
  readonly clusterId: string;
  readonly args?: readonly string[] | undefined;
  readonly command?: string | undefined;
  readonly namespace?: string | undefined;
  readonly timeoutSeconds: number;
  readonly sessionId?: string | undefined;
  readonly caller: Caller;
  readonly correlationId: string;
  readonly source: CommandSource;
  /** False: return the queued record at once (202); the command still ends definitely. */
  readonly wait: boolean;
  /** X-Request-Timeout: the caller waits at most this long (never longer than timeoutSeconds). */
  readonly requestTimeoutSeconds?: number | undefined;
  /** Aborted when the caller goes away: an undelivered command is then withdrawn. */
  readonly signal?: AbortSignal | undefined;
}

export interface CommandServiceOptions {
  readonly state: StateStore;
  readonly hub: ExecutorHub;
  readonly audit: AuditWriter;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  readonly policy: PolicyResolver;
  readonly reportedMode: (clusterId: string) => PolicyMode | null;
  readonly executorGraceMs: number;
  /** Async commands: extra time past their timeout for the executor's own timeout result. */
  readonly asyncSlackMs: number;
}

interface Tracker {
  readonly command: Command;
  /** How long the caller waits: timeoutSeconds, or less when X-Request-Timeout says so. */
  readonly waitSeconds: number;
  deadline: NodeJS.Timeout | undefined;
  grace: NodeJS.Timeout | undefined;
  settle: ((outcome: { record: CommandRecord } | { error: KubentlyError }) => void) | undefined;
}

/**
 * Runs commands: policy first, then queue, then wait for the result, the caller's deadline or the
 * executor grace, whichever comes first (DESIGN §2). Waiters are woken by the store's
 * finished signal; there is no polling. Every terminal transition writes exactly one audit record.
 */
export class CommandService {
  readonly #options: CommandServiceOptions;
  readonly #trackers = new Map<string, Tracker>();
  readonly #unsubscribe: () => void;
  #closed = false;

  constructor(options: CommandServiceOptions) {
    this.#options = options;
    this.#unsubscribe = options.state.commands.onFinished((record) => {
      this.#wake(record);
    });
  }

  async submit(input: SubmitInput): Promise<CommandRecord> {
    if (this.#closed)
      throw new KubentlyError('shutting_down', 'the server is shutting down; retry on another replica');
    const { state, clock, ids } = this.#options;
    const cluster = await state.clusters.get(input.clusterId);
    if (cluster === null) {
      throw new KubentlyError(
        'cluster_not_found',
        `cluster "${input.clusterId}" is not registered; list clusters with GET /v1/clusters or register it with POST /v1/clusters`,
        { details: { clusterId: input.clusterId } },
      );
    }
    if (input.sessionId !== undefined) {
      const session = await state.sessions.touch(input.sessionId);
      if (session?.clusterId !== input.clusterId) {
        throw new KubentlyError(
          'session_not_found',
          `session "${input.sessionId}" does not exist for cluster "${input.clusterId}" or has expired; open one with POST /v1/sessions`,
          { details: { sessionId: input.sessionId } },
        );
      }
    }
    const config = this.#options.policy(input.clusterId, this.#options.reportedMode(input.clusterId));
    const verdict = checkCommand(input, config);
    if (verdict.type === 'denied') {
      await this.#options.audit.denied({
        identity: input.caller.identity,
        role: input.caller.role,
        clusterId: input.clusterId,
        sessionId: input.sessionId ?? null,
        correlationId: input.correlationId,
        argv: verdict.argv,
        reason: verdict.reason,
        source: input.source,
      });
      throw new KubentlyError('policy_denied', verdict.reason, { details: { argv: verdict.argv } });
    }
    const command: Command = {
      id: ids.next(),
      clusterId: input.clusterId,
      args: verdict.argv,
      timeoutSeconds: input.timeoutSeconds,
      correlationId: input.correlationId,
      issuedAt: isoAt(clock.now()),
      requestedBy: input.caller.identity,
      ...(input.namespace === undefined ? {} : { namespace: input.namespace }),
      ...(input.sessionId === undefined ? {} : { sessionId: input.sessionId }),
    };
    const record = await state.commands.create(command, {
      identity: input.caller.identity,
      role: input.caller.role,
      source: input.source,
    });
    const waitSeconds = Math.min(
      command.timeoutSeconds,
      input.requestTimeoutSeconds ?? command.timeoutSeconds,
    );
    const tracker: Tracker = {
      command,
      waitSeconds,
      deadline: undefined,
      grace: undefined,
      settle: undefined,
    };
    this.#trackers.set(command.id, tracker);
    const waiting = input.wait ? this.#waitFor(tracker, input.signal) : undefined;
    // A timer may settle the waiter while enqueue is still pending: handled here, awaited below.
    waiting?.catch(() => undefined);
    tracker.deadline = setTimeout(
      () => {
        this.#settleOnError(tracker, this.#onDeadline(tracker));
      },
      input.wait ? waitSeconds * 1000 : command.timeoutSeconds * 1000 + this.#options.asyncSlackMs,
    );
    if (!this.#options.hub.hasExecutor(command.clusterId)) {
      tracker.grace = setTimeout(() => {
        this.#settleOnError(tracker, this.#onGrace(tracker));
      }, this.#options.executorGraceMs);
    }
    try {
      await state.queue.enqueue(command);
    } catch (error) {
      throw this.#enqueueFailed(tracker, error);
    }
    return waiting ?? record;
  }

  /**
   * The queue write failed (the state backend is away, stalled or refused it): the caller gets a
   * definite error now, the tracker is released (timers cleared, waiter settled) and the command
   * is withdrawn: its queue entry cancelled, in case the write reached Redis unanswered (the
   * cancel follows it on the same connection), and its record failed with one audit record. If
   * the backend is still away, the withdrawal is tried once more at the command's deadline.
   */
  #enqueueFailed(tracker: Tracker, error: unknown): KubentlyError {
    const { command } = tracker;
    const failure = isKubentlyError(error)
      ? error
      : new KubentlyError('backend_unavailable', 'the command could not be queued; retry shortly', {
          cause: error,
        });
    const detached = this.#take(tracker);
    tracker.settle?.({ error: failure });
    if (detached) {
      const withdraw = (retry: boolean): void => {
        this.#withdraw(command).catch((cause: unknown) => {
          this.#options.logger.warn(
            { err: cause, commandId: command.id, clusterId: command.clusterId, retry },
            'withdrawing a command whose enqueue failed failed too',
          );
          if (!retry) return;
          setTimeout(() => {
            withdraw(false);
          }, tracker.waitSeconds * 1000).unref();
        });
      };
      withdraw(true);
    }
    return new KubentlyError(failure.code, failure.message, {
      details: { ...failure.details, commandId: command.id, clusterId: command.clusterId },
      cause: error,
    });
  }

  async #withdraw(command: Command): Promise<void> {
    await this.#options.state.queue.cancel(command.clusterId, command.id);
    await this.#fail(
      command,
      {
        code: 'executor_error',
        message: 'the state backend failed while the command was being queued; it was withdrawn',
      },
      'unavailable',
    );
  }

  /** The current record of a command, or command_not_found (unknown or expired). */
  async get(id: string): Promise<CommandRecord> {
    const record = await this.#options.state.commands.get(id);
    if (record === null) {
      throw new KubentlyError(
        'command_not_found',
        `command "${id}" does not exist or its result has expired (results are kept for a limited time)`,
        { details: { commandId: id } },
      );
    }
    return record;
  }

  /** A command delivered to an executor that did not come back in time: it fails definitely. */
  async failLost(command: Command, executorId: string): Promise<void> {
    await this.#fail(
      command,
      {
        code: 'executor_error',
        message: `executor ${executorId} disconnected before returning a result; the command may or may not have run`,
      },
      'failed',
    );
  }

  /** A cluster was removed: its queued and unacked commands end now. */
  async failRemoved(commands: readonly Command[]): Promise<void> {
    for (const command of commands) {
      await this.#fail(
        command,
        {
          code: 'executor_error',
          message: `cluster "${command.clusterId}" was removed before the command finished`,
        },
        'failed',
      );
    }
  }

  /**
   * An executor's result (relay-wire "Results"): acks the command; the first result stands; a
   * command of another cluster is refused; an unknown or expired id is command_not_found.
   */
  async acceptResult(clusterId: string, result: CommandResult): Promise<ResultAck> {
    const { state, clock, hub } = this.#options;
    const id = result.commandId;
    const known = await state.commands.get(id);
    if (known === null) {
      throw new KubentlyError(
        'command_not_found',
        `command "${id}" is unknown or its result has expired; stop retrying it`,
        {
          details: { commandId: id },
        },
      );
    }
    if (known.command.clusterId !== clusterId) {
      throw new KubentlyError(
        'forbidden',
        `command "${id}" belongs to another cluster; this token may not answer it`,
        {
          details: { commandId: id },
        },
      );
    }
    const outcome = await state.commands.acknowledge(id, result, clock.now());
    if (outcome === null) {
      throw new KubentlyError(
        'command_not_found',
        `command "${id}" expired while its result arrived; stop retrying it`,
        {
          details: { commandId: id },
        },
      );
    }
    await state.queue.ack(clusterId, id);
    if (!outcome.duplicate) hub.acked(known.deliveredTo ?? result.executorId ?? null);
    if (outcome.finished) await this.#recordFinished(outcome.record, outcomeOfResult(outcome.record));
    return { accepted: true, commandId: id, duplicate: outcome.duplicate };
  }

  close(): void {
    this.#closed = true;
    this.#unsubscribe();
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

  #waitFor(tracker: Tracker, signal: AbortSignal | undefined): Promise<CommandRecord> {
    return new Promise<CommandRecord>((resolve, reject) => {
      const onAbort = (): void => {
        this.#settleOnError(tracker, this.#onCallerGone(tracker));
      };
      tracker.settle = (outcome) => {
        signal?.removeEventListener('abort', onAbort);
        if ('record' in outcome) resolve(outcome.record);
        else reject(outcome.error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #wake(record: CommandRecord): void {
    const tracker = this.#trackers.get(record.command.id);
    if (tracker === undefined) return;
    this.#release(tracker);
    this.#trackers.delete(record.command.id);
    tracker.settle?.({ record });
  }

  /** A timer's state call failed (e.g. the state backend is away): the caller gets that error, never a hang. */
  #settleOnError(tracker: Tracker, work: Promise<void>): void {
    work.catch((error: unknown) => {
      this.#options.logger.warn({ err: error, commandId: tracker.command.id }, 'command timer failed');
      this.#trackers.delete(tracker.command.id);
      this.#release(tracker);
      tracker.settle?.({
        error: isKubentlyError(error)
          ? error
          : new KubentlyError('internal', 'the command could not be ended cleanly; see the server log'),
      });
    });
  }

  #release(tracker: Tracker): void {
    clearTimeout(tracker.deadline);
    clearTimeout(tracker.grace);
  }

  /** Detaches the tracker so the store's finished signal no longer settles it. */
  #take(tracker: Tracker): boolean {
    if (this.#trackers.get(tracker.command.id) !== tracker) return false;
    this.#trackers.delete(tracker.command.id);
    this.#release(tracker);
    return true;
  }

  async #onGrace(tracker: Tracker): Promise<void> {
    tracker.grace = undefined;
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
    const record = await this.#fail(
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
        tracker.settle?.({ record: finished });
        return;
      }
    }
    tracker.settle?.({
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
    if (await this.#options.state.queue.cancel(command.clusterId, command.id)) {
      if (!this.#take(tracker)) return;
      const withdrawn = await this.#fail(
        command,
        { code: 'executor_error', message: 'the caller went away before the command was delivered' },
        'failed',
      );
      // The tracker is detached, so the finished signal will not settle it: settle here.
      const ended = withdrawn ?? (await this.#options.state.commands.get(command.id));
      if (ended !== null) tracker.settle?.({ record: ended });
      return;
    }
    if (!this.#take(tracker)) return;
    const record = await this.#fail(
      command,
      {
        code: 'executor_error',
        message: 'the caller went away while the command was running; the executor was asked to stop it',
      },
      'failed',
    );
    const final = record ?? (await this.#options.state.commands.get(command.id));
    if (final !== null) tracker.settle?.({ record: final });
  }

  async #unavailable(tracker: Tracker): Promise<void> {
    const { command } = tracker;
    const seconds = Math.round(this.#options.executorGraceMs / 100) / 10;
    await this.#fail(
      command,
      {
        code: 'executor_error',
        message: `no executor of cluster "${command.clusterId}" connected within ${seconds} s; the command was not sent`,
      },
      'unavailable',
    );
    tracker.settle?.({
      error: new KubentlyError(
        'executor_unavailable',
        `no executor of cluster "${command.clusterId}" is connected; start one (kubently executor) or check its logs, then retry`,
        { details: { clusterId: command.clusterId, commandId: command.id } },
      ),
    });
  }

  async #fail(
    command: Command,
    failure: CommandFailure,
    outcome: AuditOutcome,
  ): Promise<CommandRecord | null> {
    const record = await this.#options.state.commands.fail(command.id, {
      failure,
      at: this.#options.clock.now(),
    });
    if (record !== null) await this.#recordFinished(record, outcome);
    return record;
  }

  async #recordFinished(record: CommandRecord, outcome: AuditOutcome): Promise<void> {
    const { command } = record;
    this.#options.logger.info(
      {
        correlationId: command.correlationId,
        clusterId: command.clusterId,
        sessionId: command.sessionId,
        identity: record.origin.identity,
        commandId: command.id,
        outcome,
        exitCode: record.result?.exitCode,
        durationMs: record.finishedAt === null ? undefined : record.finishedAt - record.createdAt,
      },
      'command finished',
    );
    await this.#options.audit.finished(record, outcome);
  }
}
