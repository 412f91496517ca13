export { hashPolicyText, parsePolicyText, policyWithoutFile, readPolicyFile } from './policy-file.js';
export type { LoadedPolicy, PolicyOverrides } from './policy-file.js';
export { PolicyWatcher } from './policy-watcher.js';
export type { PolicyWatcherOptions } from './policy-watcher.js';
export { policyCapabilities, createPolicyInForce } from './policy-in-force.js';
export type { PolicyInForce } from './policy-in-force.js';
