export { localKubectlRun, resolveKubectl } from './local-kubectl-run.js';
export type { LocalKubectlOptions } from './local-kubectl-run.js';
export { openLocalKubectlHome } from './open-local-kubectl-home.js';
export type { LocalKubectlHome, LocalKubectlHomeOptions } from './open-local-kubectl-home.js';
