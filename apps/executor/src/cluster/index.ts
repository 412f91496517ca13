export { ApiServerMonitor } from './api-server-monitor.js';
export { checkApiServer } from './check-api-server.js';
export { checkKubeconfigServer, describeAccess } from './check-kubeconfig-server.js';
export type { KubeconfigTarget } from './check-kubeconfig-server.js';
export { defaultServiceAccountDirectory, resolveClusterAccess } from './cluster-access.js';
export type { ClusterAccess } from './cluster-access.js';
export { writeClusterKubeconfig } from './cluster-kubeconfig.js';
export { summarizeRbac } from './rbac-summary.js';
