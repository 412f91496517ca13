export { policiesInForce, policyOfCapabilities } from './policies-in-force.js';
export { checkCommand, followReportedPolicies } from './policy-gate.js';
export type { PolicyResolver, PolicyVerdict } from './policy-gate.js';
