export { applyNamespace } from './apply-namespace.js';
export { evaluate } from './evaluate.js';
export {
  isolatedKubectlEnvironment,
  kubeconfigProbeArgs,
  kubeconfigRunsCredentialPlugin,
  kubectlEnvironmentRefusal,
} from './kubectl-environment.js';
export type { KubectlIsolation } from './kubectl-environment.js';
export { defaultPolicyConfig, parsePolicyConfig, policyConfigSchema } from './policy-config.js';
export type { PolicyConfig, PolicyConfigInput } from './policy-config.js';
export type { PolicyDecision, PolicyFlag, ResolvedResource } from './policy-decision.js';
export { PolicyConfigError, PolicyInputError } from './policy-errors.js';
export { isWithheldNotice, redactOutput } from './redact-output.js';
export type { OutputCompleteness, RedactedOutput, RedactOutputOptions } from './redact-output.js';
export { redactSecretValues } from './redact-secret-values.js';
export { tokenize } from './tokenize.js';
