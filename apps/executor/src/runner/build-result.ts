import { constants } from 'node:os';

import { redactOutput } from '@kubently/policy';
import type { OutputCompleteness, PolicyDecision } from '@kubently/policy';
import type { Command, CommandFailure, CommandResult } from '@kubently/protocol';

import type { CommandOutcome } from '../telemetry/index.js';
import type { ProcessOutcome } from './run-process.js';

export interface BuiltResult {
  readonly result: CommandResult;
  readonly outcome: CommandOutcome;
}

interface ResultContext {
  readonly command: Command;
  readonly executorId: string;
  readonly durationMs: number;
  readonly finishedAt: string;
}

/** Exit code of a command the executor refused (as a shell does for "cannot execute"). */
export const policyDeniedExitCode = 126;
/** Exit code of a command the executor killed at its deadline (as `timeout(1)` does). */
export const timeoutExitCode = 124;
/** Exit code when kubectl could not be started (as a shell does for "not found"). */
export const spawnFailedExitCode = 127;

export function failureResult(
  context: ResultContext,
  failure: CommandFailure,
  exitCode: number,
  outcome: CommandOutcome,
): BuiltResult {
  return {
    outcome,
    result: {
      commandId: context.command.id,
      exitCode,
      stdout: '',
      stderr: failure.message,
      durationMs: context.durationMs,
      truncated: false,
      redactions: 0,
      failure,
      executorId: context.executorId,
      finishedAt: context.finishedAt,
    },
  };
}

/**
 * Turns a finished kubectl process into a result. Secret values are redacted before anything leaves
 * the executor; output that needed redaction but was cut short (killed at the timeout, cancelled,
 * shut down, capped) is withheld: a partial document may hold a Secret's values without its `kind`.
 */
export function processResult(
  context: ResultContext,
  decision: PolicyDecision,
  process: ProcessOutcome,
  maxOutputBytes: number,
  /** Set when the server cancelled the command (a `cancel` frame): why, for the result's message. */
  cancelReason: string | null = null,
): BuiltResult {
  const base = {
    commandId: context.command.id,
    executorId: context.executorId,
    finishedAt: context.finishedAt,
  };
  if (process.spawnError !== null && process.exitCode === null && process.exitSignal === null) {
    return failureResult(
      context,
      {
        code: 'spawn_failed',
        message: `cannot start kubectl: ${process.spawnError.message}; check KUBENTLY_KUBECTL`,
      },
      spawnFailedExitCode,
      'spawn_failed',
    );
  }
  let stdout = process.stdout.toString('utf8');
  let stderr = process.stderr.toString('utf8');
  let redactions = 0;
  if (decision.needsRedaction) {
    const completeness = completenessOf(process);
    const redacted = redactOutput(decision, stdout, { completeness });
    redactions = redacted.redactions;
    if (completeness === 'cut' && redacted.withheld) {
      stdout = '';
      stderr = joinLines(stderr, cutNotice(process, maxOutputBytes));
    } else {
      stdout = redacted.output;
    }
  }
  const output = { stdout, stderr, durationMs: context.durationMs, truncated: process.truncated, redactions };
  switch (process.killedFor) {
    case 'timeout': {
      const failure: CommandFailure = {
        code: 'command_timeout',
        message: `kubectl did not finish within ${context.command.timeoutSeconds} s; its process group was killed`,
      };
      return {
        outcome: 'command_timeout',
        result: {
          ...base,
          ...output,
          exitCode: timeoutExitCode,
          stderr: joinLines(stderr, failure.message),
          failure,
        },
      };
    }
    case 'abort': {
      if (cancelReason !== null) {
        const failure: CommandFailure = {
          code: 'executor_error',
          message: `cancelled by the server (${cancelReason}); kubectl's process group was killed`,
        };
        return {
          outcome: 'cancelled',
          result: {
            ...base,
            ...output,
            exitCode: exitCodeOf(process),
            stderr: joinLines(stderr, failure.message),
            failure,
          },
        };
      }
      const failure: CommandFailure = {
        code: 'executor_error',
        message: 'the executor shut down while kubectl was running; it was killed',
      };
      return {
        outcome: 'executor_error',
        result: {
          ...base,
          ...output,
          exitCode: exitCodeOf(process),
          stderr: joinLines(stderr, failure.message),
          failure,
        },
      };
    }
    case 'output':
    case 'lingering':
    case null: {
      const exitCode = exitCodeOf(process);
      return { outcome: exitCode === 0 ? 'succeeded' : 'failed', result: { ...base, ...output, exitCode } };
    }
  }
}

/**
 * How much of kubectl's output there is, for redaction: a killed process or capped output may stop
 * inside a Secret (after `data`, before `kind`), so it is withheld; an error exit may have stopped
 * mid-object too, so every map with values counts as a Secret.
 */
function completenessOf(process: ProcessOutcome): OutputCompleteness {
  if (process.truncated) return 'cut';
  switch (process.killedFor) {
    case 'timeout':
    case 'abort':
    case 'output':
      return 'cut';
    case 'lingering':
      return 'uncertain';
    case null:
      return process.exitCode === 0 ? 'complete' : 'uncertain';
  }
}

function cutNotice(process: ProcessOutcome, maxOutputBytes: number): string {
  const why = process.truncated
    ? `the output exceeded ${maxOutputBytes} bytes`
    : process.killedFor === 'timeout'
      ? 'kubectl was killed at the timeout'
      : 'kubectl was stopped before it finished';
  return `kubently: ${why} and the output may hold Secret values cut in half, so it was withheld; narrow the query (a name or a label selector) or raise timeoutSeconds`;
}

/** A signal death reads as 128 + the signal number, as in a shell. */
function exitCodeOf(process: ProcessOutcome): number {
  if (process.exitCode !== null) return process.exitCode;
  const signalNumber = process.exitSignal === null ? undefined : constants.signals[process.exitSignal];
  return 128 + (signalNumber ?? 1);
}

function joinLines(first: string, second: string): string {
  return first === '' || first.endsWith('\n') ? `${first}${second}` : `${first}\n${second}`;
}

/**
 * What the executor posts instead of a result the server would refuse as too large (its
 * `maxResultBytes`, or a 413): no output, a definite `output_too_large` failure that says both sizes
 * and how to get an answer, so the caller gets it at once instead of waiting for its deadline.
 */
export function outputTooLargeResult(
  result: CommandResult,
  sizeBytes: number,
  limitBytes: number | null,
): CommandResult {
  const limit = limitBytes === null ? 'its limit' : `${limitBytes} bytes`;
  const failure: CommandFailure = {
    code: 'output_too_large',
    message: `the result is ${sizeBytes} bytes, more than the server accepts (${limit}), so its output was not sent; narrow the command (a namespace, a name, a label selector, -o jsonpath, --tail for logs), or raise the server's KUBENTLY_RESULT_BODY_LIMIT_BYTES or lower the executor's KUBENTLY_MAX_OUTPUT_BYTES`,
  };
  return {
    commandId: result.commandId,
    exitCode: result.exitCode,
    stdout: '',
    stderr: failure.message,
    durationMs: result.durationMs,
    truncated: true,
    redactions: result.redactions,
    failure,
    ...(result.executorId === undefined ? {} : { executorId: result.executorId }),
    ...(result.finishedAt === undefined ? {} : { finishedAt: result.finishedAt }),
  };
}

/** Bytes of the JSON body a result is posted as. */
export const resultBodyBytes = (result: CommandResult): number =>
  Buffer.byteLength(JSON.stringify(result), 'utf8');
