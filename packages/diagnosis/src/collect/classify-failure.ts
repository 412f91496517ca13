import type { CollectionProblem } from './collection-warning.js';
import type { KubectlOutcome } from './kubectl-run.js';

/** A command that did not yield a list: what went wrong, the fix, and whether every other command will fail too. */
export interface ClassifiedFailure {
  readonly problem: CollectionProblem;
  readonly message: string;
  readonly fix: string;
  /** True when retrying other kinds is pointless (no executor, cluster unreachable, bad credentials). */
  readonly fatal: boolean;
}

/**
 * Runner failure codes after which no other command can succeed either. A limit of the runner
 * (`rate_limited`, `capacity_exceeded`) ends the collection too: a snapshot with holes the caller
 * did not ask for would look like a healthy cluster.
 */
const fatalFailureCodes = new Set([
  'executor_unavailable',
  'cluster_not_found',
  'shutting_down',
  'kubectl_not_found',
  'spawn_failed',
  'unauthorized',
  'rate_limited',
  'capacity_exceeded',
]);

const firstLine = (text: string): string => {
  const line =
    text
      .trim()
      .split('\n')
      .find((candidate) => candidate.trim() !== '') ?? '';
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
};

/**
 * Turns a kubectl error (exit code ≠ 0) or a runner failure into a collection problem. The stderr
 * patterns are kubectl's own messages (client-go errors and apimachinery status reasons).
 */
export const classifyFailure = (outcome: KubectlOutcome, resource: string): ClassifiedFailure => {
  if (outcome.type === 'failure') {
    const message = firstLine(outcome.message) || outcome.code;
    switch (outcome.code) {
      case 'command_timeout':
        return {
          problem: 'timeout',
          message,
          fix: `the API server did not list ${resource} in time; retry, or diagnose fewer namespaces (-n)`,
          fatal: false,
        };
      case 'policy_denied':
        return {
          problem: 'denied',
          message,
          fix: `the cluster's command policy refuses "get ${resource}"; allow it in the executor's policy file if the diagnosis should see it`,
          fatal: false,
        };
      default:
        return {
          problem: fatalFailureCodes.has(outcome.code) ? 'unreachable' : 'failed',
          message,
          fix:
            outcome.code === 'executor_unavailable'
              ? "start the cluster's executor (`kubently executor ...`) and check it is connected (`kubently clusters list`)"
              : outcome.code === 'kubectl_not_found' || outcome.code === 'spawn_failed'
                ? 'install kubectl where the commands run, or pass its path with --kubectl'
                : 'check the runner and retry',
          fatal: fatalFailureCodes.has(outcome.code),
        };
    }
  }
  const message = firstLine(outcome.stderr) || `kubectl exited with code ${String(outcome.exitCode)}`;
  const stderr = outcome.stderr;
  if (/\bforbidden\b/i.test(stderr) && /cannot list/i.test(stderr)) {
    return {
      problem: 'forbidden',
      message,
      fix: `grant "list" on ${resource} to the identity kubectl uses (for the executor: its ServiceAccount's ClusterRole), or accept that rules needing it stay silent`,
      fatal: false,
    };
  }
  if (
    /the server doesn't have a resource type|could not find the requested resource|no matches for kind/i.test(
      stderr,
    )
  ) {
    return {
      problem: 'unknown-resource',
      message,
      fix: `this cluster does not serve ${resource}; nothing to fix unless it should`,
      fatal: false,
    };
  }
  if (
    /Unable to connect to the server|connection refused|no such host|i\/o timeout|You must be logged in|Unauthorized|the server has asked for the client to provide credentials/i.test(
      stderr,
    )
  ) {
    return {
      problem: 'unreachable',
      message,
      fix: 'kubectl cannot reach or log in to the API server: check the kubeconfig, context and credentials (`kubectl get --raw /readyz`)',
      fatal: true,
    };
  }
  if (/timeout|deadline exceeded|context deadline/i.test(stderr)) {
    return {
      problem: 'timeout',
      message,
      fix: `the API server did not list ${resource} in time; retry, or diagnose fewer namespaces (-n)`,
      fatal: false,
    };
  }
  return {
    problem: 'failed',
    message,
    fix: `run \`kubectl get ${resource}\` to see the full error`,
    fatal: false,
  };
};
