export { checkCommand, followReportedMode } from './policy-gate.js';
export type { PolicyResolver, PolicyVerdict } from './policy-gate.js';
