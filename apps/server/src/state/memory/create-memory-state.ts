import { createMemoryConversationStore } from '@kubently/agent';

import type { Clock } from '../../support/clock.js';
import type { StateStore } from '../state-store.js';
import { agentStateDefaults } from '../agent-task-store.js';
import { MemoryAgentTaskStore } from './memory-agent-task-store.js';
import { MemoryAuditLog } from './memory-audit-log.js';
import { MemoryClusterRegistry } from './memory-cluster-registry.js';
import { MemoryCommandQueue } from './memory-command-queue.js';
import { MemoryCommandStore } from './memory-command-store.js';
import { MemoryFindingHistory } from './memory-finding-history.js';
import { MemoryKeyStore } from './memory-key-store.js';
import { MemoryRateLimiter } from './memory-rate-limiter.js';
import { MemoryQuotaLedger } from './memory-quota-ledger.js';
import { MemorySessionStore } from './memory-session-store.js';

export interface MemoryStateOptions {
  readonly clock: Clock;
  readonly resultTtlMs: number;
  readonly auditMaxRecords: number;
}

/** Single-process state: fast, and gone on restart (DESIGN §9 default). */
export const createMemoryState = (options: MemoryStateOptions): StateStore => ({
  kind: 'memory',
  clusters: new MemoryClusterRegistry(),
  queue: new MemoryCommandQueue(),
  commands: new MemoryCommandStore(options.clock, options.resultTtlMs),
  sessions: new MemorySessionStore(options.clock),
  audit: new MemoryAuditLog(options.auditMaxRecords),
  quotas: new MemoryQuotaLedger(options.clock),
  keys: new MemoryKeyStore(),
  rates: new MemoryRateLimiter(),
  findings: new MemoryFindingHistory(),
  tasks: new MemoryAgentTaskStore(),
  conversations: createMemoryConversationStore({ maxMessages: agentStateDefaults.conversationMaxMessages }),
  ping: () => Promise.resolve(),
  close: () => Promise.resolve(),
});
