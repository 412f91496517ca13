/**
 * The `verb` label of a command in metrics and spans: its first argv word when it is one of
 * kubectl's own top-level commands, else `other`, so the label's values stay bounded whatever
 * callers send. Shared by the server and the executor so both count the same verbs.
 */
/** kubectl's own top-level commands: the only values the `verb` label takes, besides `other`. */
const kubectlVerbs = new Set([
  'alpha',
  'annotate',
  'api-resources',
  'api-versions',
  'apply',
  'attach',
  'auth',
  'autoscale',
  'certificate',
  'cluster-info',
  'completion',
  'config',
  'cordon',
  'cp',
  'create',
  'debug',
  'delete',
  'describe',
  'diff',
  'drain',
  'edit',
  'events',
  'exec',
  'explain',
  'expose',
  'get',
  'kustomize',
  'label',
  'logs',
  'options',
  'patch',
  'plugin',
  'port-forward',
  'proxy',
  'replace',
  'rollout',
  'run',
  'scale',
  'set',
  'taint',
  'top',
  'uncordon',
  'version',
  'wait',
]);

export const kubectlVerbLabel = (argv: readonly string[]): string => {
  const verb = argv[0];
  return verb !== undefined && kubectlVerbs.has(verb) ? verb : 'other';
};
