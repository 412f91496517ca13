import { execFile } from 'node:child_process';

import { definedOnly } from './defined-only.js';

export type KubeContextProbe =
  | { readonly type: 'found'; readonly context: string }
  | { readonly type: 'kubectl-missing'; readonly kubectl: string }
  | { readonly type: 'no-context'; readonly message: string };

/**
 * Asks kubectl itself for the current context, so KUBECONFIG lists and defaults resolve exactly as
 * they will for the executor. Never throws: every outcome is a result `up` explains to the user.
 */
export function detectKubeContext(
  kubectl: string,
  env: Readonly<Record<string, string | undefined>>,
  signal: AbortSignal,
): Promise<KubeContextProbe> {
  return new Promise((resolve) => {
    execFile(
      kubectl,
      ['config', 'current-context'],
      // KUBERC=off: no kuberc alias or default may change what kubectl prints.
      { env: { ...definedOnly(env), KUBERC: 'off' }, signal, timeout: 10_000, windowsHide: true },
      (error, stdout, stderr) => {
        if (error === null) {
          const context = stdout.trim();
          resolve(
            context === ''
              ? { type: 'no-context', message: 'kubectl printed no current context' }
              : { type: 'found', context },
          );
          return;
        }
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          resolve({ type: 'kubectl-missing', kubectl });
          return;
        }
        const message = stderr.trim() === '' ? error.message : stderr.trim();
        resolve({ type: 'no-context', message });
      },
    );
  });
}
