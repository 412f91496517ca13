import { execFile } from 'node:child_process';

import type { KubectlOutcome, KubectlRun } from '@kubently/diagnosis';
import { defaultPolicyConfig, evaluate, kubectlEnvironmentRefusal, redactOutput } from '@kubently/policy';
import type { OutputCompleteness, PolicyConfig } from '@kubently/policy';

export interface LocalKubectlOptions {
  /** kubectl's path, or a name looked up on PATH (see `resolveKubectl`). */
  readonly kubectl: string;
  /** Passed as `--kubeconfig`; without it kubectl uses KUBECONFIG or ~/.kube/config. */
  readonly kubeconfig?: string | undefined;
  /** Passed as `--context`. */
  readonly context?: string | undefined;
  /**
   * kubectl's environment, normally `openLocalKubectlHome(...).env`; every KUBENTLY_* variable is
   * removed before kubectl sees it and KUBERC=off is set whatever it says.
   */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Policy every argv must pass before it runs (default: read-only). */
  readonly policy?: PolicyConfig;
  /** Per command; a command still running then is killed and reported as `command_timeout` (default 60 s). */
  readonly timeoutMs?: number;
  /** stdout past this is cut and the result marked `truncated` (default 256 MiB). */
  readonly maxOutputBytes?: number;
}

/**
 * Environment of the local kubectl: the given one (exec credential plugins need AWS_PROFILE,
 * GOOGLE_APPLICATION_CREDENTIALS, ...), minus Kubently's variables, which hold API keys, and minus
 * anything that switches a kuberc on; KUBERC=off always. HOME and the cache directory are the
 * caller's (openLocalKubectlHome makes them private).
 */
const kubectlEnvironment = (env: Readonly<Record<string, string | undefined>>): Record<string, string> => {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && (kubectlEnvironmentRefusal(name) === null || name === 'KUBECACHEDIR'))
      result[name] = value;
  }
  result['KUBERC'] = 'off';
  return result;
};

/**
 * A `KubectlRun` that runs the real kubectl on this machine, with the same guarantees as an
 * executor: the argv must pass the policy (a denied one is a `policy_denied` failure and never
 * runs), kubectl starts with execFile (no shell), and Secret values in structured output are
 * redacted before they leave this function. `--kubeconfig`/`--context` are added here, after the
 * policy check, because the policy rightly refuses them in an argv.
 */
export const localKubectlRun = (options: LocalKubectlOptions): KubectlRun => {
  const policy = options.policy ?? defaultPolicyConfig();
  const env = kubectlEnvironment(options.env);
  const connection = [
    ...(options.kubeconfig === undefined ? [] : ['--kubeconfig', options.kubeconfig]),
    ...(options.context === undefined ? [] : ['--context', options.context]),
  ];
  const timeout = options.timeoutMs ?? 60_000;
  const maxBuffer = options.maxOutputBytes ?? 256 * 1024 * 1024;
  return (args, signal) => {
    signal.throwIfAborted();
    const decision = evaluate(args, policy);
    if (!decision.allowed)
      return Promise.resolve({ type: 'failure', code: 'policy_denied', message: decision.reason });
    return new Promise<KubectlOutcome>((resolve, reject) => {
      execFile(
        options.kubectl,
        [...decision.argv, ...connection],
        { env, signal, timeout, maxBuffer, encoding: 'utf8', windowsHide: true },
        (error, stdout, stderr) => {
          if (signal.aborted) {
            reject(signal.reason as Error);
            return;
          }
          // A kubectl that exited with an error may have stopped inside a Secret, before its kind.
          const redact = (output: string, completeness: OutputCompleteness): string =>
            redactOutput(decision, output, { completeness }).output;
          if (error === null) {
            resolve({
              type: 'result',
              exitCode: 0,
              stdout: redact(stdout, 'complete'),
              stderr,
              truncated: false,
            });
            return;
          }
          const code = (error as { code?: unknown }).code;
          if (code === 'ENOENT' || code === 'EACCES') {
            resolve({
              type: 'failure',
              code: 'kubectl_not_found',
              message: `cannot start kubectl "${options.kubectl}": ${error.message}`,
            });
            return;
          }
          if (code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
            // Cut output is never passed on as data: the caller sees only that it was cut.
            resolve({ type: 'result', exitCode: 0, stdout: '', stderr, truncated: true });
            return;
          }
          if (error.killed && typeof code !== 'number') {
            resolve({
              type: 'failure',
              code: 'command_timeout',
              message: `kubectl ${args.join(' ')} did not finish within ${String(timeout / 1000)} s`,
            });
            return;
          }
          resolve({
            type: 'result',
            exitCode: typeof code === 'number' ? code : 1,
            stdout: redact(stdout, 'uncertain'),
            stderr: stderr === '' ? error.message : stderr,
            truncated: false,
          });
        },
      );
    });
  };
};

/** kubectl the way the executor finds it: the flag, else KUBENTLY_KUBECTL, else `kubectl` on PATH. */
export const resolveKubectl = (
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string => flag ?? env['KUBENTLY_KUBECTL'] ?? 'kubectl';
