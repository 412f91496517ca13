export { executorCompose } from './executor-compose.js';
export { executorHelmValues } from './executor-helm-values.js';
export {
  defaultExecutorImageRepository,
  executorManifests,
  executorPolicyText,
} from './executor-manifests.js';
export type { ExecutorManifestOptions, KubernetesObject } from './executor-manifests.js';
export {
  builtinApiGroups,
  chartRbacRulesText,
  coreReadResources,
  executorRbacRules,
  rbacRulesCatalog,
  rbacVerbs,
} from './executor-rbac-rules.js';
export type { PolicyRule, RbacOptions } from './executor-rbac-rules.js';
