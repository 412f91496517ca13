import { applyNamespace, evaluate, PolicyInputError } from '@kubently/policy';
import type { PolicyConfig } from '@kubently/policy';
import { readArgv } from '@kubently/protocol';
import type { Command, CommandResult } from '@kubently/protocol';

import type { Logger } from '../logger.js';
import type { ApiReader } from '../reader/api-reader.js';
import { runRead } from '../reader/read-result.js';
import type { ExecutorMetrics } from '../telemetry/index.js';
import { failureResult, policyDeniedExitCode, processResult } from './build-result.js';
import type { BuiltResult } from './build-result.js';
import { RecentCommands } from './recent-commands.js';
import { runProcess } from './run-process.js';

export interface CommandRunnerOptions {
  readonly kubectl: string;
  /**
   * The policy in force, read when each command is evaluated: a reloaded policy file applies to
   * every command evaluated after the reload (running ones keep their decision).
   */
  readonly policy: () => PolicyConfig;
  readonly maxConcurrency: number;
  readonly maxOutputBytes: number;
  readonly kubectlEnvironment: Readonly<Record<string, string>>;
  readonly executorId: string;
  /** Delivers a result to the server (retrying until acked); must not throw. */
  readonly publish: (result: CommandResult) => Promise<void>;
  readonly metrics: ExecutorMetrics;
  readonly logger: Logger;
  readonly now: () => number;
  readonly killGraceMs?: number;
  /**
   * Answers `Command.read` through the Kubernetes API (decision 0011), once open; null or absent:
   * such a command runs its kubectl argv like any other.
   */
  readonly reader?: Promise<ApiReader | null>;
  /** Bytes a read's List may have (the output cap, lowered to fit the server's result limit). */
  readonly maxReadBytes?: () => number;
}

/**
 * Runs commands received from the server: at most `maxConcurrency` at once (the rest wait in
 * order), each id at most once. The policy is enforced again here because the executor is the
 * security boundary: a denied command never reaches kubectl.
 */
export class CommandRunner {
  readonly #options: CommandRunnerOptions;
  readonly #recent = new RecentCommands({ maxIds: 10_000, maxResults: 256 });
  readonly #queue: Command[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  readonly #shutdown = new AbortController();
  /** Commands started and not yet finished, by id: aborting one kills its process group. */
  readonly #cancels = new Map<string, { controller: AbortController; reason: string | null }>();
  #running = 0;

  constructor(options: CommandRunnerOptions) {
    this.#options = options;
  }

  submit(command: Command): void {
    const { logger } = this.#options;
    const known = this.#recent.get(command.id);
    if (known?.type === 'running') {
      logger.info({ commandId: command.id }, 'command redelivered while running; ignoring the copy');
      return;
    }
    if (known?.type === 'finished') {
      logger.info({ commandId: command.id }, 'command redelivered after it ran; re-posting its result');
      const result =
        known.result ??
        failureResult(
          this.#context(command, 0),
          {
            code: 'executor_error',
            message: 'the command already ran on this executor; its result is no longer held',
          },
          1,
          'executor_error',
        ).result;
      this.#track(this.#options.publish(result));
      return;
    }
    if (this.#shutdown.signal.aborted) return;
    this.#recent.markRunning(command.id);
    this.#queue.push(command);
    this.#pump();
  }

  /**
   * The server no longer wants a command (a `cancel` frame): a waiting one is dropped, a running one
   * has its process group killed; either way a result saying so is posted and the id is remembered,
   * so a redelivery re-posts that result instead of running it. Unknown or finished ids are ignored.
   */
  cancel(commandId: string, reason: string): void {
    const { logger } = this.#options;
    const running = this.#cancels.get(commandId);
    if (running !== undefined) {
      if (running.reason !== null) return;
      logger.info({ commandId, reason }, 'server cancelled a running command; killing kubectl');
      running.reason = reason;
      running.controller.abort();
      return;
    }
    const index = this.#queue.findIndex((command) => command.id === commandId);
    if (index === -1) {
      logger.debug({ commandId, reason }, 'ignoring a cancel for a command that is not running here');
      return;
    }
    const [command] = this.#queue.splice(index, 1);
    if (command === undefined) return;
    logger.info({ commandId, reason }, 'server cancelled a command before it started');
    const built = failureResult(
      this.#context(command, 0),
      { code: 'executor_error', message: `cancelled by the server (${reason}) before it started` },
      1,
      'cancelled',
    );
    this.#track(this.#finish(command, built));
  }

  /** Stops taking work, kills running kubectl processes and waits until every result is published. */
  async close(): Promise<void> {
    this.#shutdown.abort();
    for (const command of this.#queue.splice(0)) {
      const built = failureResult(
        this.#context(command, 0),
        { code: 'executor_error', message: 'the executor shut down before running the command' },
        1,
        'executor_error',
      );
      this.#track(this.#finish(command, built));
    }
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  #pump(): void {
    while (this.#running < this.#options.maxConcurrency && !this.#shutdown.signal.aborted) {
      const command = this.#queue.shift();
      if (command === undefined) return;
      this.#running += 1;
      this.#options.metrics.setRunning(this.#running);
      this.#track(
        this.#execute(command).finally(() => {
          this.#running -= 1;
          this.#options.metrics.setRunning(this.#running);
          this.#pump();
        }),
      );
    }
  }

  #track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => {
      this.#options.logger.error({ err: error }, 'unexpected error handling a command');
    });
    this.#inFlight.add(tracked);
    void tracked.finally(() => this.#inFlight.delete(tracked));
  }

  async #execute(command: Command): Promise<void> {
    const startedAt = this.#options.now();
    // Registered before the first await: a `cancel` that arrives while the command is being set up
    // (the read path still opening) finds it, instead of being ignored as unknown.
    const cancel = { controller: new AbortController(), reason: null as string | null };
    this.#cancels.set(command.id, cancel);
    try {
      await this.#setUpAndRun(command, startedAt, cancel);
    } finally {
      this.#cancels.delete(command.id);
    }
  }

  async #setUpAndRun(
    command: Command,
    startedAt: number,
    cancel: { readonly controller: AbortController; reason: string | null },
  ): Promise<void> {
    const { logger, now } = this.#options;
    const reader = (await this.#options.reader) ?? null;
    if (cancel.reason !== null) {
      const built = failureResult(
        this.#context(command, now() - startedAt),
        { code: 'executor_error', message: `cancelled by the server (${cancel.reason}) before it started` },
        1,
        'cancelled',
      );
      await this.#finish(command, built);
      return;
    }
    const read = reader === null ? undefined : command.read;
    let args: string[];
    try {
      // A read is checked as the kubectl argv that means the same, derived here from the read
      // itself: `command.args` is not trusted to match it.
      args = read === undefined ? applyNamespace(command.args, command.namespace) : readArgv(read);
    } catch (error) {
      if (!(error instanceof PolicyInputError)) throw error;
      await this.#finish(command, this.#denied(command, startedAt, error.message));
      return;
    }
    const decision = evaluate(args, this.#options.policy());
    if (!decision.allowed) {
      logger.warn(
        { commandId: command.id, args: command.args, reason: decision.reason },
        'policy denied the command',
      );
      await this.#finish(command, this.#denied(command, startedAt, decision.reason));
      return;
    }
    logger.debug(
      {
        commandId: command.id,
        correlationId: command.correlationId,
        sessionId: command.sessionId,
        argv: decision.argv,
      },
      'running kubectl',
    );
    if (read !== undefined && reader !== null) {
      let built: BuiltResult;
      try {
        built = await runRead(
          read,
          { command, executorId: this.#options.executorId, startedAt, now },
          {
            reader,
            maxBytes: this.#options.maxReadBytes?.() ?? this.#options.maxOutputBytes,
            signal: AbortSignal.any([this.#shutdown.signal, cancel.controller.signal]),
            cancelReason: () => cancel.reason,
            isShuttingDown: () => this.#shutdown.signal.aborted,
          },
        );
      } finally {
        this.#cancels.delete(command.id);
      }
      await this.#finish(command, built);
      return;
    }
    let outcome: Awaited<ReturnType<typeof runProcess>>;
    try {
      outcome = await runProcess({
        file: this.#options.kubectl,
        args: decision.argv,
        env: this.#options.kubectlEnvironment,
        timeoutMs: command.timeoutSeconds * 1000,
        maxOutputBytes: this.#options.maxOutputBytes,
        killGraceMs: this.#options.killGraceMs ?? 2000,
        signal: AbortSignal.any([this.#shutdown.signal, cancel.controller.signal]),
      });
    } finally {
      this.#cancels.delete(command.id);
    }
    const built = processResult(
      this.#context(command, now() - startedAt),
      decision,
      outcome,
      this.#options.maxOutputBytes,
      this.#shutdown.signal.aborted ? null : cancel.reason,
    );
    await this.#finish(command, built);
  }

  #denied(command: Command, startedAt: number, reason: string): BuiltResult {
    return failureResult(
      this.#context(command, this.#options.now() - startedAt),
      { code: 'policy_denied', message: `denied by the executor's policy: ${reason}` },
      policyDeniedExitCode,
      'policy_denied',
    );
  }

  #context(command: Command, durationMs: number): Parameters<typeof failureResult>[0] {
    return {
      command,
      executorId: this.#options.executorId,
      durationMs,
      finishedAt: new Date(this.#options.now()).toISOString(),
    };
  }

  async #finish(command: Command, built: BuiltResult): Promise<void> {
    this.#recent.markFinished(command.id, built.result);
    this.#options.metrics.commandFinished(built.outcome, built.result.durationMs / 1000, command.args);
    this.#options.logger.info(
      {
        commandId: command.id,
        correlationId: command.correlationId,
        sessionId: command.sessionId,
        argv: command.args,
        outcome: built.outcome,
        exitCode: built.result.exitCode,
        durationMs: built.result.durationMs,
        bytes: built.result.stdout.length + built.result.stderr.length,
      },
      'command finished',
    );
    await this.#options.publish(built.result);
  }
}
