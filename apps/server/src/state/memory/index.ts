export { createMemoryState } from './create-memory-state.js';
export type { MemoryStateOptions } from './create-memory-state.js';
export { MemoryAuditLog } from './memory-audit-log.js';
export { MemoryClusterRegistry } from './memory-cluster-registry.js';
export { MemoryCommandQueue } from './memory-command-queue.js';
export { MemoryCommandStore } from './memory-command-store.js';
export { MemoryKeyStore } from './memory-key-store.js';
export { MemoryQuotaLedger } from './memory-quota-ledger.js';
export { MemorySessionStore } from './memory-session-store.js';
