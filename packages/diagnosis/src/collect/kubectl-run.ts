/**
 * What running one kubectl command produced. A `result` is kubectl's own answer (any exit code);
 * `truncated` means stdout was cut at the runner's output cap and must not be parsed. A `failure`
 * means kubectl did not answer (executor unavailable, timeout, policy denial, kubectl missing);
 * `code` is the runner's string code (`executor_unavailable`, `command_timeout`, `policy_denied`,
 * `kubectl_not_found`, ...).
 */
export type KubectlOutcome =
  | {
      readonly type: 'result';
      readonly exitCode: number;
      readonly stdout: string;
      readonly stderr: string;
      readonly truncated: boolean;
    }
  | { readonly type: 'failure'; readonly code: string; readonly message: string };

/**
 * The port a collector runs kubectl through: argv without `kubectl`, read-only and already
 * acceptable to `evaluate()` of `@kubently/policy` in readOnly mode. The relay passes it to an
 * executor; the CLI's local mode runs the real kubectl with its kubeconfig. It resolves with an
 * outcome (never rejects for a kubectl error) and rejects only when `signal` aborts.
 */
export type KubectlRun = (args: readonly string[], signal: AbortSignal) => Promise<KubectlOutcome>;
