import type { Command, ReadRequest } from '@kubently/protocol';

import { failureResult, timeoutExitCode } from '../runner/build-result.js';
import type { BuiltResult } from '../runner/build-result.js';
import type { ApiReader } from './api-reader.js';

export interface ReadContext {
  readonly command: Command;
  readonly executorId: string;
  readonly startedAt: number;
  readonly now: () => number;
}

export interface RunReadOptions {
  readonly reader: ApiReader;
  readonly maxBytes: number;
  readonly signal: AbortSignal;
  /** Why the server cancelled it, once it has (read when the read ends). */
  readonly cancelReason: () => string | null;
  readonly isShuttingDown: () => boolean;
}

/**
 * Answers a command's `read` through the Kubernetes API and shapes it as a command result: a List's
 * JSON on stdout (exit 0), or kubectl-like `Error from server (...)` text with exit 1, so callers
 * handle both paths alike. The policy decision was taken before (the caller checked `readArgv`).
 */
export async function runRead(
  read: ReadRequest,
  context: ReadContext,
  options: RunReadOptions,
): Promise<BuiltResult> {
  const { command } = context;
  const base = (durationMs: number) => ({
    command,
    executorId: context.executorId,
    durationMs,
    finishedAt: new Date(context.now()).toISOString(),
  });
  let outcome: Awaited<ReturnType<ApiReader['read']>>;
  try {
    outcome = await options.reader.read(read, {
      signal: options.signal,
      maxBytes: options.maxBytes,
      timeoutMs: command.timeoutSeconds * 1000,
    });
  } catch (error) {
    if (!options.signal.aborted) throw error;
    const reason = options.cancelReason();
    const message =
      reason !== null && !options.isShuttingDown()
        ? `cancelled by the server (${reason}); the read was stopped`
        : 'the executor shut down before the read finished';
    return failureResult(
      base(context.now() - context.startedAt),
      { code: 'executor_error', message },
      1,
      reason !== null ? 'cancelled' : 'executor_error',
    );
  }
  const durationMs = context.now() - context.startedAt;
  switch (outcome.type) {
    case 'list':
      return {
        outcome: 'succeeded',
        result: {
          commandId: command.id,
          exitCode: 0,
          stdout: outcome.stdout,
          stderr: '',
          durationMs,
          truncated: false,
          redactions: outcome.redactions,
          executorId: context.executorId,
          finishedAt: new Date(context.now()).toISOString(),
        },
      };
    case 'api-error':
    case 'unreachable': {
      const isTimeout = outcome.type === 'unreachable' && outcome.stderr.includes('(timeout)');
      if (isTimeout)
        return failureResult(
          base(durationMs),
          {
            code: 'command_timeout',
            message: `the read did not finish within ${String(command.timeoutSeconds)} s`,
          },
          timeoutExitCode,
          'command_timeout',
        );
      return {
        outcome: 'failed',
        result: {
          commandId: command.id,
          exitCode: 1,
          stdout: '',
          stderr: outcome.stderr,
          durationMs,
          truncated: false,
          redactions: 0,
          executorId: context.executorId,
          finishedAt: new Date(context.now()).toISOString(),
        },
      };
    }
    case 'too-large':
      return failureResult(
        base(durationMs),
        { code: 'output_too_large', message: outcome.message },
        1,
        'failed',
      );
  }
}
