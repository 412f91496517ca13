export { AuditWriter, outcomeOfResult } from './audit-writer.js';
export type { AuditOutcome, DeniedAttempt } from './audit-writer.js';
