const target = 'it would point kubectl at another cluster or identity than the executor was given';
const credential = 'it would read or send credentials other than the executor’s own';
const localFile = 'it reads files or paths on the executor host';

/**
 * Flags rejected in every mode, under every spelling (`--x=v`, `--x v`, `--x_y`, short forms), and
 * wherever they appear in argv (even as another flag's value). Names are normalised (`_` → `-`).
 */
export const alwaysRejectedFlags: ReadonlyMap<string, string> = new Map([
  ['kubeconfig', target],
  ['context', target],
  ['cluster', target],
  ['user', target],
  ['server', target],
  ['tls-server-name', target],
  ['as', 'impersonation would act as another identity'],
  ['as-group', 'impersonation would act as another identity'],
  ['as-uid', 'impersonation would act as another identity'],
  ['token', credential],
  ['username', credential],
  ['password', credential],
  ['certificate-authority', credential],
  ['client-certificate', credential],
  ['client-key', credential],
  ['insecure-skip-tls-verify', 'it disables verification of the API server certificate'],
  ['insecure-skip-tls-verify-backend', 'it disables verification of the kubelet certificate'],
  ['cache-dir', localFile],
  ['kuberc', 'a kuberc file can define aliases and default flags that change what a command does'],
  ['filename', localFile],
  ['kustomize', localFile],
  ['raw', 'it sends an arbitrary request path to the API server, bypassing resource rules'],
  ['v', 'verbose logging prints request and response bodies, including Secret values'],
  ['vmodule', 'verbose logging prints request and response bodies, including Secret values'],
  ['log-file', localFile],
  ['log-dir', localFile],
  ['log-backtrace-at', 'klog flags are not part of the command policy'],
  ['log-file-max-size', localFile],
  ['log-flush-frequency', 'klog flags are not part of the command policy'],
  ['alsologtostderr', 'klog flags are not part of the command policy'],
  ['logtostderr', 'klog flags are not part of the command policy'],
  ['one-output', 'klog flags are not part of the command policy'],
  ['skip-headers', 'klog flags are not part of the command policy'],
  ['skip-log-headers', 'klog flags are not part of the command policy'],
  ['stderrthreshold', 'klog flags are not part of the command policy'],
  ['add-dir-header', 'klog flags are not part of the command policy'],
  ['profile-output', localFile],
  ['from-file', localFile],
  ['from-env-file', localFile],
  ['patch-file', localFile],
  ['custom', localFile],
  ['output-directory', localFile],
]);

/**
 * Short forms rejected unless the verb defines the letter itself (`logs -f` is --follow):
 * `-s` is --server everywhere; `-f`/`-k` are --filename/--kustomize; `-v` is verbosity.
 */
export const alwaysRejectedShortFlags: ReadonlyMap<string, string> = new Map([
  ['s', 'server'],
  ['f', 'filename'],
  ['k', 'kustomize'],
  ['v', 'v'],
]);

/** Normalises a long flag name the way kubectl does (`--as_group` is `--as-group`). */
export function normaliseFlagName(name: string): string {
  return name.replaceAll('_', '-');
}

/** If `token` spells an always-rejected long flag (`--x`, `--x=v`, `--x_y`), returns its normalised name. */
export function rejectedLongFlagIn(token: string): string | null {
  if (!token.startsWith('--')) return null;
  const body = token.slice(2);
  const equals = body.indexOf('=');
  const name = normaliseFlagName(equals === -1 ? body : body.slice(0, equals));
  return alwaysRejectedFlags.has(name) ? name : null;
}
