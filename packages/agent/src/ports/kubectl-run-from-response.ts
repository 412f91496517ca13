import type { CommandResponse } from '@kubently/protocol';

import type { KubectlFailureCode, KubectlRun } from './cluster-gateway.js';

const failureCodes: Readonly<Record<string, KubectlFailureCode>> = {
  policy_denied: 'policy_denied',
  command_timeout: 'command_timeout',
  spawn_failed: 'spawn_failed',
  executor_error: 'executor_error',
};

/**
 * Maps a finished `CommandResponse` (REST `POST /v1/commands`) to a `KubectlRun`, for gateways
 * built on the server's API. A response still `queued`/`running` is an `executor_unavailable`
 * failure: the agent never reads a result that has not arrived.
 */
export function kubectlRunFromResponse(response: CommandResponse): KubectlRun {
  if (response.failure !== undefined) {
    return {
      type: 'failure',
      code: failureCodes[response.failure.code] ?? 'executor_error',
      message: response.failure.message,
    };
  }
  if (response.status === 'queued' || response.status === 'running' || response.exitCode === undefined) {
    return {
      type: 'failure',
      code: 'executor_unavailable',
      message: `the command is still ${response.status}: no executor answered in time`,
    };
  }
  return {
    type: 'result',
    exitCode: response.exitCode,
    stdout: response.stdout ?? '',
    stderr: response.stderr ?? '',
    truncated: response.truncated ?? false,
    redactions: response.redactions ?? 0,
    durationMs: response.durationMs ?? 0,
  };
}
