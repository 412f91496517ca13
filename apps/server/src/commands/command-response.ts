import type { CommandResponse } from '@kubently/protocol';

import { isoAt } from '../support/clock.js';
import type { CommandRecord } from '../state/command-store.js';

/** The REST view of a command: queued/running carry no output; finished ones carry the result. */
export const toCommandResponse = (record: CommandRecord): CommandResponse => {
  const { command } = record;
  const base: CommandResponse = {
    id: command.id,
    clusterId: command.clusterId,
    status: record.status,
    args: command.args,
    createdAt: isoAt(record.createdAt),
  };
  if (record.finishedAt === null) return base;
  const finishedAt = isoAt(record.finishedAt);
  const { result } = record;
  if (record.failure !== null || result === null) {
    const failure = record.failure ?? {
      code: 'executor_error' as const,
      message: 'the command ended without a result',
    };
    return {
      ...base,
      stdout: '',
      stderr: failure.message,
      durationMs: record.finishedAt - record.createdAt,
      truncated: false,
      redactions: 0,
      failure,
      finishedAt,
    };
  }
  return {
    ...base,
    exitCode: result.exitCode,
    stdout: result.stdout,
    stderr: result.stderr,
    durationMs: result.durationMs,
    truncated: result.truncated,
    redactions: result.redactions,
    ...(result.failure === undefined ? {} : { failure: result.failure }),
    finishedAt,
  };
};
