export { agentStateDefaults, listTasks } from './agent-task-store.js';
export type { AgentTaskStore } from './agent-task-store.js';
export type { AuditFilter, AuditLog } from './audit-log.js';
export type { ClusterRecord, ClusterRegistry, ExecutorPresence, StoredToken } from './cluster-registry.js';
export { deadLetterCapacity } from './finding-history.js';
export type {
  DeadLetterRecord,
  FindingFilter,
  FindingHistory,
  FindingObservation,
  FindingRecord,
  FindingTransition,
  ObserveInput,
} from './finding-history.js';
export type { KeyStore, StoredApiKey, StoredKeyHash } from './key-store.js';
export type { RateDecision, RateLimit, RateLimiter } from './rate-limiter.js';
export type { CommandQueue } from './command-queue.js';
export { statusOfResult } from './command-store.js';
export type {
  AckOutcome,
  CommandOrigin,
  CommandRecord,
  CommandSource,
  CommandStore,
  RecordStatus,
  ServerFailure,
  TerminalStatus,
} from './command-store.js';
export type { QuotaAdmission, QuotaLedger, QuotaLimit, QuotaRequest, QuotaUsage } from './quota-ledger.js';
export type { SessionStore } from './session-store.js';
export type { StateStore } from './state-store.js';
export { createMemoryState } from './memory/index.js';
export type { MemoryStateOptions } from './memory/index.js';
