import { MemoryAuditLog } from '../../src/state/memory/memory-audit-log.js';
import { MemoryClusterRegistry } from '../../src/state/memory/memory-cluster-registry.js';
import { MemoryCommandQueue } from '../../src/state/memory/memory-command-queue.js';
import { MemoryCommandStore } from '../../src/state/memory/memory-command-store.js';
import { MemoryQuotaLedger } from '../../src/state/memory/memory-quota-ledger.js';
import { MemorySessionStore } from '../../src/state/memory/memory-session-store.js';
import { auditLogContract } from './audit-log-contract.js';
import { clusterRegistryContract } from './cluster-registry-contract.js';
import { commandQueueContract } from './command-queue-contract.js';
import { commandStoreContract } from './command-store-contract.js';
import { quotaLedgerContract } from './quota-ledger-contract.js';
import { sessionStoreContract } from './session-store-contract.js';

commandQueueContract('memory', () => new MemoryCommandQueue());
commandStoreContract('memory', ({ clock, resultTtlMs }) => new MemoryCommandStore(clock, resultTtlMs));
sessionStoreContract('memory', ({ clock }) => new MemorySessionStore(clock));
auditLogContract('memory', ({ maxRecords }) => new MemoryAuditLog(maxRecords));
clusterRegistryContract('memory', () => new MemoryClusterRegistry());
quotaLedgerContract('memory', ({ clock }) => new MemoryQuotaLedger(clock));
