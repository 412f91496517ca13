import type { ConversationStore } from '@kubently/agent';

import type { AgentTaskStore } from './agent-task-store.js';
import type { AuditLog } from './audit-log.js';
import type { ClusterRegistry } from './cluster-registry.js';
import type { CommandQueue } from './command-queue.js';
import type { CommandStore } from './command-store.js';
import type { FindingHistory } from './finding-history.js';
import type { KeyStore } from './key-store.js';
import type { RateLimiter } from './rate-limiter.js';
import type { QuotaLedger } from './quota-ledger.js';
import type { SessionStore } from './session-store.js';

/** Everything the server keeps; the composition root picks memory or (later) Redis. */
export interface StateStore {
  readonly kind: string;
  readonly clusters: ClusterRegistry;
  readonly queue: CommandQueue;
  readonly commands: CommandStore;
  readonly sessions: SessionStore;
  readonly audit: AuditLog;
  /** Per-identity command slots and retained result bytes (the command limits). */
  readonly quotas: QuotaLedger;
  /** Managed API keys (hashed), their scopes and last use. */
  readonly keys: KeyStore;
  /** Token buckets of the request rate limits. */
  readonly rates: RateLimiter;
  /** Root causes over time by stable fingerprint, watch claims and dead-lettered notifications. */
  readonly findings: FindingHistory;
  /** A2A tasks of the agent and the cross-replica cancel signal. */
  readonly tasks: AgentTaskStore;
  /** The agent's per-conversation memory (keys already scoped per caller). */
  readonly conversations: ConversationStore;
  /** Resolves when the backend answers; rejects when it is unreachable (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
