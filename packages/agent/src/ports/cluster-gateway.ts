import type { ClusterInfo } from '@kubently/protocol';
import type { Report } from '@kubently/diagnosis';

/** Why a kubectl command produced no exit code of its own. */
export const kubectlFailureCodes = [
  'policy_denied',
  'command_timeout',
  'executor_unavailable',
  'cluster_not_found',
  'forbidden',
  'spawn_failed',
  'executor_error',
  'cancelled',
  'internal',
  /** A server limit refused the command (in-flight, queue, result bytes); the message names it and when to retry. */
  'rate_limited',
] as const;
export type KubectlFailureCode = (typeof kubectlFailureCodes)[number];

/**
 * The outcome of one kubectl run. A non-zero exit is a `result` (kubectl ran and said no); a
 * `failure` means it did not run or did not finish. Output is expected to be redacted already by
 * the executor; the agent redacts again before anything reaches a model.
 */
export type KubectlRun =
  | {
      readonly type: 'result';
      readonly exitCode: number;
      readonly stdout: string;
      readonly stderr: string;
      /** The executor cut the output at its own cap. */
      readonly truncated: boolean;
      readonly redactions: number;
      readonly durationMs: number;
    }
  | { readonly type: 'failure'; readonly code: KubectlFailureCode; readonly message: string };

export interface RunKubectlRequest {
  readonly clusterId: string;
  /** kubectl arguments without the leading `kubectl`, already checked by the local policy. */
  readonly args: readonly string[];
  readonly namespace?: string;
  readonly timeoutSeconds?: number;
  /** Aborted when the run is cancelled: stop waiting and cancel the command if possible. */
  readonly signal: AbortSignal;
}

export interface DiagnoseRequest {
  readonly clusterId: string;
  readonly namespace?: string;
  readonly signal: AbortSignal;
}

/**
 * How the agent reaches clusters. Apps implement it: the server in-process, the CLI over HTTP.
 * `runKubectl` reports command failures as a `failure` value and throws only for bugs.
 */
export interface ClusterGateway {
  listClusters(signal: AbortSignal): Promise<readonly ClusterInfo[]>;
  runKubectl(request: RunKubectlRequest): Promise<KubectlRun>;
  /** Runs the diagnosis engine on a fresh snapshot; absent when the engine is not wired in. */
  diagnose?(request: DiagnoseRequest): Promise<Report>;
}
