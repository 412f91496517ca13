import { otherLabel } from './bounded-label.js';

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

/** The `verb` label of a command: its first argv word when it is a kubectl command, else `other`. */
export const verbLabelOf = (argv: readonly string[]): string => {
  const verb = argv[0];
  return verb !== undefined && kubectlVerbs.has(verb) ? verb : otherLabel;
};
