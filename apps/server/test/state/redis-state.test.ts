import { afterAll } from 'vitest';

import { auditLogContract } from './audit-log-contract.js';
import { clusterRegistryContract } from './cluster-registry-contract.js';
import { commandQueueContract } from './command-queue-contract.js';
import { commandStoreContract } from './command-store-contract.js';
import { findingHistoryContract } from './finding-history-contract.js';
import { keyStoreContract } from './key-store-contract.js';
import { rateLimiterContract } from './rate-limiter-contract.js';
import { quotaLedgerContract } from './quota-ledger-contract.js';
import { redisTestStates } from './redis/redis-test-state.js';
import { sessionStoreContract } from './session-store-contract.js';

/** The same contract suites as memory-state.test.ts, against the machine's real Redis. */
const states = redisTestStates();
afterAll(() => states.cleanup());

commandQueueContract('redis', async () => (await states.create()).queue);
commandStoreContract(
  'redis',
  async ({ clock, resultTtlMs }) => (await states.create({ clock, resultTtlMs })).commands,
);
sessionStoreContract('redis', async ({ clock }) => (await states.create({ clock })).sessions);
auditLogContract(
  'redis',
  async ({ maxRecords }) => (await states.create({ auditMaxRecords: maxRecords })).audit,
);
clusterRegistryContract('redis', async () => (await states.create()).clusters);
quotaLedgerContract('redis', async ({ clock }) => (await states.create({ clock })).quotas);
keyStoreContract('redis', async () => (await states.create()).keys);
rateLimiterContract('redis', async () => (await states.create()).rates);
findingHistoryContract('redis', async () => (await states.create()).findings);
