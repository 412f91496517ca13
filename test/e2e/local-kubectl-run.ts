import { execFile } from 'node:child_process';

import type { KubectlOutcome, KubectlRun } from '@kubently/diagnosis';
import { evaluate, redactOutput } from '@kubently/policy';

export interface LocalKubectlOptions {
  /** Absolute path of kubectl. */
  readonly kubectl: string;
  readonly kubeconfig: string;
  /** Cap on stdout; a larger answer is reported as a failure (default 256 MiB). */
  readonly maxOutputBytes?: number;
  /** Called with every argv the policy denied: a collector must never produce one. */
  readonly onDenied?: (args: readonly string[], reason: string) => void;
}

/**
 * A `KubectlRun` that runs the real kubectl against a kubeconfig, as the executor would: the argv
 * must pass the read-only policy first (a denied argv is a `policy_denied` failure, never run), and
 * output that may hold Secret values is redacted the same way.
 */
export const localKubectlRun = (options: LocalKubectlOptions): KubectlRun => {
  const maxBuffer = options.maxOutputBytes ?? 256 * 1024 * 1024;
  return (args, signal) => {
    const decision = evaluate(args);
    if (!decision.allowed) {
      options.onDenied?.(args, decision.reason);
      return Promise.resolve({ type: 'failure', code: 'policy_denied', message: decision.reason });
    }
    return new Promise<KubectlOutcome>((resolve, reject) => {
      execFile(
        options.kubectl,
        [...decision.argv, '--kubeconfig', options.kubeconfig],
        { maxBuffer, signal, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' }, encoding: 'utf8' },
        (error, stdout, stderr) => {
          if (signal.aborted) {
            reject(signal.reason as Error);
            return;
          }
          if (error !== null && typeof error.code !== 'number') {
            const code = error.code === 'ENOENT' ? 'kubectl_not_found' : 'runner_failed';
            resolve({ type: 'failure', code, message: error.message });
            return;
          }
          const exitCode = error === null ? 0 : Number(error.code);
          const output =
            decision.needsRedaction && exitCode === 0 ? redactOutput(decision, stdout).output : stdout;
          resolve({ type: 'result', exitCode, stdout: output, stderr, truncated: false });
        },
      );
    });
  };
};
