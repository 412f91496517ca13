import { KubentlyError } from '../kubently-error.js';

/** Flags of the local modes (`diagnose`, `ask`, `debug`, `mcp` with a kubeconfig instead of a server). */
export const localOptions = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  kubectl: { type: 'string' },
} as const;

export const localHelp = `Local mode (no server: kubectl runs here, read-only policy, Secret values redacted):
  --kubeconfig PATH     kubeconfig to use (selects local mode)
  --context NAME        context of the kubeconfig (default: its current one; selects local mode)
  --kubectl PATH        kubectl to run (default: KUBENTLY_KUBECTL, else kubectl on PATH)`;

interface LocalAndServerFlags {
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
  readonly kubectl?: string | undefined;
  readonly server?: string | undefined;
  readonly 'api-url'?: string | undefined;
  readonly 'api-key'?: string | undefined;
}

/** True for local mode; a usage error when server and local flags are mixed. */
export function isLocalMode(values: LocalAndServerFlags): boolean {
  const isLocal = values.kubeconfig !== undefined || values.context !== undefined;
  if (isLocal) {
    const serverFlag = (['server', 'api-url', 'api-key'] as const).find((flag) => values[flag] !== undefined);
    if (serverFlag !== undefined)
      throw new KubentlyError(
        'usage',
        `--${serverFlag} is for working through a server; local mode (--kubeconfig/--context) talks to the cluster directly`,
      );
  } else if (values.kubectl !== undefined) {
    throw new KubentlyError(
      'usage',
      '--kubectl applies to local mode only (--kubeconfig/--context); through a server the executor runs kubectl',
    );
  }
  return isLocal;
}
