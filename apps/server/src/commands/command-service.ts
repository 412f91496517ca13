import { defaultPolicyConfig } from '@kubently/policy';
import type { PolicyConfig } from '@kubently/policy';
import { readArgv } from '@kubently/protocol';
import type { Command, CommandFailure, CommandResult, ReadRequest, ResultAck } from '@kubently/protocol';

import type { Caller } from '../auth/api-key-verifier.js';
import { canSee, canUseCluster } from '../auth/can-see.js';
import type { AuditOutcome, AuditWriter } from '../audit/audit-writer.js';
import { outcomeOfResult } from '../audit/audit-writer.js';
import { isKubentlyError, KubentlyError } from '../errors/kubently-error.js';
import type { ExecutorHub } from '../executors/executor-hub.js';
import type { ExecutorIdentity } from '../executors/executor-identity.js';
import { checkCommand } from '../policy/policy-gate.js';
import type { PolicyResolver } from '../policy/policy-gate.js';
import { isoAt } from '../support/clock.js';
import type { Clock } from '../support/clock.js';
import type { IdGenerator } from '../support/ids.js';
import type { Logger } from '../support/logger.js';
import type { Timers } from '../support/timers.js';
import type { CommandRecord, CommandSource } from '../state/command-store.js';
import type { StateStore } from '../state/state-store.js';
import type { ServerMetrics, ServerTracing } from '../telemetry/index.js';
import type { CommandLimits } from './command-limits.js';
import { CommandWaits } from './command-waits.js';
import { redactResult } from './redact-result.js';
import { requireAnswerer } from './require-answerer.js';

const strictestDefault = defaultPolicyConfig('readOnly');

export interface SubmitInput {
  readonly clusterId: string;
  readonly args?: readonly string[] | undefined;
  readonly command?: string | undefined;
  readonly namespace?: string | undefined;
  readonly timeoutSeconds: number;
  /** A session of the caller (any session for an admin) on this cluster. */
  readonly sessionId?: string | undefined;
  readonly caller: Caller;
  readonly correlationId: string;
  readonly source: CommandSource;
  /** False: return the queued record at once (202); the command still ends definitely. */
  readonly wait: boolean;
  /** X-Request-Timeout: the caller waits at most this long (never longer than timeoutSeconds). */
  readonly requestTimeoutSeconds?: number | undefined;
  /**
   * Aborted when the caller goes away (checked even when it aborted before the wait began): an
   * undelivered command is then withdrawn, a delivered one ended and cancelled on its executor.
   */
  readonly signal?: AbortSignal | undefined;
  /**
   * A structured read (decision 0011) for an executor with the `read` capability: `args` and
   * `namespace` are then ignored; the command is checked, queued and audited as `readArgv(read)`.
   */
  readonly read?: ReadRequest | undefined;
}

export interface CommandServiceOptions {
  readonly state: StateStore;
  readonly hub: ExecutorHub;
  readonly audit: AuditWriter;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  readonly policy: PolicyResolver;
  /** The policies the cluster's executors reported (state backend: the same on every replica). */
  readonly reportedPolicies: (clusterId: string) => Promise<readonly PolicyConfig[]>;
  /** In-flight slots, the cluster queue cap and the result byte budgets. */
  readonly limits: CommandLimits;
  readonly executorGraceMs: number;
  /** Async commands: extra time past their timeout for the executor's own timeout result. */
  readonly asyncSlackMs: number;
  readonly metrics?: ServerMetrics | undefined;
  readonly tracing?: ServerTracing | undefined;
}

/**
 * Runs commands: policy first, then the limits, then queue, then wait for the result, the caller's
 * deadline, the executor grace or the caller leaving, whichever comes first (DESIGN §2; the waiting
 * lives in CommandWaits). Waiters are woken by the store's finished signal; there is no polling.
 * Every terminal transition writes exactly one audit record. A session or command is visible only
 * to the identity that created it and to admins; to anyone else it does not exist.
 */
export class CommandService {
  readonly #options: CommandServiceOptions;
  readonly #waits: CommandWaits;
  readonly #unsubscribe: () => void;
  #closed = false;

  constructor(options: CommandServiceOptions) {
    this.#options = options;
    this.#waits = new CommandWaits({
      state: options.state,
      timers: options.timers,
      logger: options.logger,
      limits: options.limits,
      executorGraceMs: options.executorGraceMs,
      fail: (command, failure, outcome) => this.#fail(command, failure, outcome),
    });
    this.#unsubscribe = options.state.commands.onFinished((record) => {
      this.#waits.wake(record);
    });
  }

  async submit(input: SubmitInput): Promise<CommandRecord> {
    if (this.#closed)
      throw new KubentlyError('shutting_down', 'the server is shutting down; retry on another replica');
    const { state, clock, ids } = this.#options;
    // Out of the caller's scope is answered as unregistered, before the policy or the audit sees it.
    const cluster = canUseCluster(input.caller, input.clusterId)
      ? await state.clusters.get(input.clusterId)
      : null;
    if (cluster === null) {
      throw new KubentlyError(
        'cluster_not_found',
        `cluster "${input.clusterId}" is not registered; list clusters with GET /v1/clusters or register it with POST /v1/clusters`,
        { details: { clusterId: input.clusterId } },
      );
    }
    if (input.sessionId !== undefined) await this.#useSession(input.sessionId, input.clusterId, input.caller);
    const policies = this.#options.policy(
      input.clusterId,
      await this.#options.reportedPolicies(input.clusterId),
    );
    const verdict = checkCommand(input.read === undefined ? input : { args: readArgv(input.read) }, policies);
    if (verdict.type === 'denied') {
      this.#options.metrics?.policyDenied({ clusterId: input.clusterId, argv: verdict.argv });
      await this.#options.audit.denied({
        identity: input.caller.identity,
        serviceIdentity: input.caller.serviceIdentity,
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
    const draft: Command = {
      id: ids.next(),
      clusterId: input.clusterId,
      args: verdict.argv,
      timeoutSeconds: input.timeoutSeconds,
      correlationId: input.correlationId,
      issuedAt: isoAt(clock.now()),
      requestedBy: input.caller.identity,
      ...(input.namespace === undefined ? {} : { namespace: input.namespace }),
      ...(input.sessionId === undefined ? {} : { sessionId: input.sessionId }),
      ...(input.read === undefined ? {} : { read: input.read }),
    };
    const command = this.#options.tracing?.commandQueued(draft) ?? draft;
    const { identity } = input.caller;
    const asyncDeadlineMs = command.timeoutSeconds * 1000 + this.#options.asyncSlackMs;
    // The slot frees itself at the command's last possible moment if no replica releases it.
    await this.#options.limits.admit(command, identity, clock.now() + asyncDeadlineMs);
    let record: CommandRecord;
    try {
      record = await state.commands.create(command, {
        identity,
        ...(input.caller.serviceIdentity === undefined
          ? {}
          : { serviceIdentity: input.caller.serviceIdentity }),
        role: input.caller.role,
        source: input.source,
      });
    } catch (error) {
      await this.#options.limits.release(identity, command.id);
      throw error;
    }
    const waitSeconds = Math.min(
      command.timeoutSeconds,
      input.requestTimeoutSeconds ?? command.timeoutSeconds,
    );
    const waiting = this.#waits.start(command, identity, {
      wait: input.wait,
      waitSeconds,
      deadlineMs: input.wait ? waitSeconds * 1000 : asyncDeadlineMs,
      awaitExecutor: !this.#options.hub.hasExecutor(command.clusterId),
    });
    if (waiting !== undefined && input.signal?.aborted === true) {
      this.#waits.withdrawUnqueued(command.id);
      return waiting;
    }
    try {
      await state.queue.enqueue(command);
    } catch (error) {
      // The state backend is away, stalled or refused the write: a definite error now, never a hang.
      const cause = isKubentlyError(error)
        ? error
        : new KubentlyError('backend_unavailable', 'the command could not be queued; retry shortly', {
            cause: error,
          });
      if (!isKubentlyError(error))
        this.#options.logger.warn({ err: error, commandId: command.id }, 'enqueue failed');
      const reason = new KubentlyError(cause.code, cause.message, {
        details: { ...cause.details, commandId: command.id, clusterId: command.clusterId },
        cause: error,
        ...(cause.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: cause.retryAfterSeconds }),
      });
      return this.#waits.abandon(command.id, reason, waiting);
    }
    this.#options.logger.info(
      {
        correlationId: command.correlationId,
        clusterId: command.clusterId,
        sessionId: command.sessionId,
        identity,
        commandId: command.id,
        argv: command.args,
      },
      'command queued',
    );
    if (waiting === undefined) return record;
    this.#waits.watch(command.id, input.signal);
    return waiting;
  }

  /**
   * The current record of a command the caller may see (its own; any for an admin), or
   * command_not_found: unknown, expired and someone else's look the same.
   */
  async get(id: string, caller: Caller): Promise<CommandRecord> {
    const record = await this.#options.state.commands.get(id);
    if (record === null || !canSee(caller, record.origin.identity, record.command.clusterId)) {
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
   * An executor's result (relay-wire "Results"): acks the command; the first result stands. Only
   * the executor the command was delivered to may answer it (a cluster token is shared by every
   * executor of the cluster, and one may be compromised): a command of another cluster, one not yet
   * delivered, or one delivered to another executor is refused with an error that tells an honest
   * executor to stop retrying; an unknown or expired id is command_not_found. A request without
   * X-Executor-ID (seed executors) may answer only commands delivered to a stream without one.
   */
  /**
   * The policies a command must pass before it goes to an executor that enforces none (the seed's
   * polling agent): the strictest default (readOnly) and every policy the cluster's commands are
   * pre-checked with, so a fullAccess report of another executor never widens what it runs.
   */
  async strictPolicies(clusterId: string): Promise<PolicyConfig[]> {
    const inForce = this.#options.policy(clusterId, await this.#options.reportedPolicies(clusterId));
    return [strictestDefault, ...inForce];
  }

  /**
   * Stores an executor's result (posting it acknowledges the command). `unenforced`: the executor
   * applies no policy and redacts nothing, so the result is redacted under `strictPolicies` and
   * read as possibly incomplete (fail closed).
   */
  async acceptResult(
    executor: ExecutorIdentity,
    result: CommandResult,
    options: { readonly unenforced?: boolean } = {},
  ): Promise<ResultAck> {
    const { state, clock, hub } = this.#options;
    const { clusterId } = executor;
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
    const deliveredTo = await requireAnswerer(known, executor, state.queue);
    // Redacted again: an outdated or compromised executor may post Secret values unredacted.
    const unenforced = options.unenforced === true;
    const policies = unenforced
      ? await this.strictPolicies(clusterId)
      : this.#options.policy(clusterId, await this.#options.reportedPolicies(clusterId));
    const checked = redactResult(known.command, result, {
      policies,
      logger: this.#options.logger,
      unredactedSource: unenforced,
    });
    const outcome = await state.commands.acknowledge(id, checked, clock.now());
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
    if (!outcome.duplicate) hub.acked(clusterId, deliveredTo);
    if (outcome.finished) await this.#recordFinished(outcome.record, outcomeOfResult(outcome.record));
    return { accepted: true, commandId: id, duplicate: outcome.duplicate };
  }

  close(): void {
    this.#closed = true;
    this.#unsubscribe();
    this.#waits.close();
  }

  /**
   * A command in a session: the session must be the caller's (any for an admin) and of this
   * cluster; its TTL slides only then. Otherwise it is session_not_found, like an unknown one.
   */
  async #useSession(sessionId: string, clusterId: string, caller: Caller): Promise<void> {
    const { sessions } = this.#options.state;
    const session = await sessions.get(sessionId);
    const usable =
      session !== null &&
      session.clusterId === clusterId &&
      canSee(caller, session.identity, session.clusterId) &&
      (await sessions.touch(sessionId)) !== null;
    if (!usable) {
      throw new KubentlyError(
        'session_not_found',
        `session "${sessionId}" does not exist for cluster "${clusterId}" or has expired; open one with POST /v1/sessions`,
        { details: { sessionId } },
      );
    }
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

  /** Once per terminal transition, on the replica that made it: the slot frees, the bytes count, one audit record. */
  async #recordFinished(record: CommandRecord, outcome: AuditOutcome): Promise<void> {
    const { command } = record;
    this.#options.logger.info(
      {
        correlationId: command.correlationId,
        clusterId: command.clusterId,
        sessionId: command.sessionId,
        identity: record.origin.identity,
        commandId: command.id,
        argv: command.args,
        outcome,
        exitCode: record.result?.exitCode,
        durationMs: record.finishedAt === null ? undefined : record.finishedAt - record.createdAt,
      },
      'command finished',
    );
    this.#options.tracing?.commandFinished(command.id, outcome);
    this.#options.metrics?.commandFinished({
      clusterId: command.clusterId,
      argv: command.args,
      outcome,
      durationSeconds: ((record.finishedAt ?? this.#options.clock.now()) - record.createdAt) / 1000,
    });
    await this.#options.limits.finished(record);
    await this.#options.audit.finished(record, outcome);
  }
}
