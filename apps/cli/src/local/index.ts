export { localKubectlRun, resolveKubectl } from './local-kubectl-run.js';
export type { LocalKubectlOptions } from './local-kubectl-run.js';
