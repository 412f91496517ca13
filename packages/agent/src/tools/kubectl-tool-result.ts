import { wrapUntrusted } from '@kubently/protocol';

import type { KubectlFailureCode } from '../ports/cluster-gateway.js';
import { capOutput } from './cap-output.js';
import type { CheckedRun } from './run-kubectl.js';
import { toolFailure } from './tool-result.js';
import type { ToolResult } from './tool-result.js';

export const narrowHint =
  'Narrow the query: name one resource, add -n NAMESPACE, -l LABEL=VALUE or --field-selector, ' +
  'use -o custom-columns=... or jsonpath instead of -o yaml/json, or --tail=N / --since=10m for logs.';

/** Why a command produced no exit code, in the agent's own words (the wire message is quoted apart). */
const failureReasons: Readonly<Record<KubectlFailureCode, string>> = {
  policy_denied: 'the command policy refused the command',
  command_timeout: 'the command did not finish in time: narrow it or raise timeoutSeconds',
  executor_unavailable: "no executor of the cluster answered: the cluster's executor is not connected",
  cluster_not_found: 'the cluster is not registered: call list_clusters',
  forbidden: 'the caller may not run commands on this cluster',
  spawn_failed: 'the executor could not start kubectl',
  executor_error: 'the executor failed to run the command',
  rate_limited:
    'a Kubently limit refused the command (too many open commands or kept results for this caller): wait and retry, or run fewer commands at once',
  cancelled: 'the run was cancelled',
  internal: 'the command failed inside Kubently',
};

/** Kubernetes `StatusReason`s: the one word of kubectl's `Error from server (X)` the summary may name. */
const statusReasons = new Set([
  'AlreadyExists',
  'BadRequest',
  'Conflict',
  'Expired',
  'Forbidden',
  'Gone',
  'InternalError',
  'Invalid',
  'MethodNotAllowed',
  'NotAcceptable',
  'NotFound',
  'RequestEntityTooLarge',
  'ServerTimeout',
  'ServiceUnavailable',
  'Timeout',
  'TooManyRequests',
  'Unauthorized',
  'UnsupportedMediaType',
]);

/** `kubectl exited with 1 (NotFound)`: the exit code and, when it is a known one, the API's reason. */
function exitReason(exitCode: number, stderr: string): string {
  const reason = /^Error from server \(([A-Za-z]+)\)/m.exec(stderr)?.[1];
  const known = reason !== undefined && statusReasons.has(reason) ? ` (${reason})` : '';
  return `kubectl exited with ${exitCode}${known}`;
}

/**
 * Converts a checked run into what the model reads; shared by the kubectl-based tools. Text from
 * the cluster or the wire (stdout, stderr, remote denial and failure messages) appears only inside
 * the untrusted block (`output`, `stderr`, `detail`); `reason` and `summary` are the agent's own
 * words with counts, codes and known status reasons.
 */
export function kubectlToolResult(run: CheckedRun, maxChars: number, keep: 'head' | 'tail'): ToolResult {
  switch (run.type) {
    case 'denied':
      return run.source === 'local'
        ? toolFailure('policy_denied', run.reason, { command: run.command })
        : toolFailure('policy_denied', `${failureReasons.policy_denied}; its reason is in detail`, {
            command: run.command,
            detail: wrapUntrusted(run.reason),
          });
    case 'failure':
      return toolFailure(run.code, failureReasons[run.code], {
        command: run.command,
        detail: wrapUntrusted(run.message),
      });
    case 'result': {
      const stdout = capOutput(run.stdout, maxChars, keep, narrowHint);
      const stderr = capOutput(run.stderr, Math.min(4_000, maxChars), 'tail', narrowHint);
      const base = {
        command: run.command,
        exitCode: run.exitCode,
        output: wrapUntrusted(stdout.text),
        ...(run.stderr.trim() === '' ? {} : { stderr: wrapUntrusted(stderr.text) }),
        truncated: stdout.isTruncated || run.executorTruncated,
        ...(run.executorTruncated
          ? { note: `the executor cut this output at its own size cap. ${narrowHint}` }
          : {}),
      };
      if (run.isForbidden) {
        return toolFailure(
          'rbac_forbidden',
          `Kubernetes RBAC denied the executor (${exitReason(run.exitCode, run.stderr)}); kubectl's message is in stderr`,
          base,
        );
      }
      if (run.exitCode !== 0) {
        return toolFailure(
          'kubectl_failed',
          `${exitReason(run.exitCode, run.stderr)}; its message is in stderr`,
          base,
        );
      }
      const lines = run.stdout === '' ? 0 : run.stdout.trimEnd().split('\n').length;
      return {
        ok: true,
        summary: `exit 0, ${lines} line${lines === 1 ? '' : 's'}${base.truncated ? ', truncated' : ''}`,
        ...base,
      };
    }
  }
}
