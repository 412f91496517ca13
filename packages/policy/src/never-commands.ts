/**
 * Verbs and subcommands denied in every mode, fullAccess included, with the reason shown to callers.
 * Everything not in a command table is also denied (plugins are unknown verbs).
 */
export const neverCommands: ReadonlyMap<string, string> = new Map([
  ['config', 'it reads or rewrites the executor’s kubeconfig (credentials, current context)'],
  ['plugin', 'plugins run arbitrary programs on the executor host'],
  ['kustomize', 'it reads directories on the executor host'],
  ['edit', 'it opens an interactive editor on the executor host'],
  ['cp', 'it reads and writes files on the executor host'],
  ['proxy', 'it opens a listener on the executor host that carries the executor’s credentials'],
  ['port-forward', 'it opens a listener on the executor host'],
  ['apply', 'it needs -f/-k (files on the executor host)'],
  ['replace', 'it needs -f (files on the executor host)'],
  ['diff', 'it needs -f/-k (files on the executor host)'],
  ['completion', 'shell completion has no use through Kubently'],
  ['alpha', 'alpha commands are not part of the command policy'],
  ['options', 'it only prints help'],
  ['help', 'it only prints help'],
  ['create token', 'it mints a bearer token: credentials never leave the executor'],
  ['create secret tls', 'it reads certificate and key files on the executor host'],
  ['auth reconcile', 'it needs -f (files on the executor host)'],
  ['apply edit-last-applied', 'it opens an interactive editor on the executor host'],
  ['apply set-last-applied', 'it needs -f (files on the executor host)'],
]);
