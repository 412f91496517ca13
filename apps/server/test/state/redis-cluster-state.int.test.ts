import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startRedisCluster } from '../../../../test/integration/support/redis-topology.js';
import type { RedisClusterSet } from '../../../../test/integration/support/redis-topology.js';
import { createRedisKeys } from '../../src/state/redis/redis-keys.js';
import type { RedisKeys } from '../../src/state/redis/redis-keys.js';
import { agentTaskStoreContract } from './agent-task-store-contract.js';
import { auditLogContract } from './audit-log-contract.js';
import { clusterRegistryContract } from './cluster-registry-contract.js';
import { commandQueueContract } from './command-queue-contract.js';
import { commandStoreContract } from './command-store-contract.js';
import { findingHistoryContract } from './finding-history-contract.js';
import { keyStoreContract } from './key-store-contract.js';
import { quotaLedgerContract } from './quota-ledger-contract.js';
import { rateLimiterContract } from './rate-limiter-contract.js';
import { redisTestStates } from './redis/redis-test-state.js';
import { sessionStoreContract } from './session-store-contract.js';

/**
 * The contract suites the memory and single-Redis backends pass, on a real Redis Cluster (three
 * primaries, three replicas, local processes): any multi-key script or transaction whose keys
 * span slots fails here with CROSSSLOT.
 */
let topology: RedisClusterSet | undefined;
const clusterUrl = (): string => {
  if (topology === undefined) throw new Error('the Redis Cluster did not start');
  return topology.url;
};
const states = redisTestStates(clusterUrl);

beforeAll(async () => {
  topology = await startRedisCluster();
}, 120_000);
afterAll(async () => {
  await states.cleanup();
  await topology?.stop();
});

commandQueueContract('redis-cluster', async () => (await states.create()).queue);
commandStoreContract(
  'redis-cluster',
  async ({ clock, resultTtlMs }) => (await states.create({ clock, resultTtlMs })).commands,
);
sessionStoreContract('redis-cluster', async ({ clock }) => (await states.create({ clock })).sessions);
auditLogContract(
  'redis-cluster',
  async ({ maxRecords }) => (await states.create({ auditMaxRecords: maxRecords })).audit,
);
clusterRegistryContract('redis-cluster', async () => (await states.create()).clusters);
findingHistoryContract('redis-cluster', async () => (await states.create()).findings);
quotaLedgerContract('redis-cluster', async ({ clock }) => (await states.create({ clock })).quotas);
keyStoreContract('redis-cluster', async () => (await states.create()).keys);
rateLimiterContract('redis-cluster', async () => (await states.create()).rates);
agentTaskStoreContract('redis-cluster', async () => {
  const prefix = states.newPrefix();
  const first = await states.create({ prefix });
  return { store: first.tasks, second: async () => (await states.create({ prefix })).tasks };
});

/**
 * What each key builder's parameters are. The test fails when a builder is added without an entry
 * here, so no key escapes the slot check below.
 */
type Parameter = 'clusterId' | 'executorId' | 'other';
const builderParameters: Record<keyof RedisKeys, readonly Parameter[] | 'constant'> = {
  prefix: 'constant',
  clusters: 'constant',
  cluster: ['clusterId'],
  presence: ['clusterId'],
  alive: ['clusterId', 'executorId'],
  capabilities: ['clusterId'],
  token: ['other'],
  removedToken: ['other'],
  queue: ['clusterId'],
  queueIndex: ['clusterId'],
  queues: 'constant',
  command: ['other'],
  commandExpiry: 'constant',
  session: ['other'],
  clusterSessions: ['clusterId'],
  sessionExpiry: 'constant',
  audit: 'constant',
  events: 'constant',
  agentTask: ['other', 'other'],
  ownerTasks: ['other'],
  agentTaskEvents: 'constant',
  agentTaskEventChannel: ['other'],
  conversation: ['other'],
  quotaSlots: ['other'],
  quotaResults: ['other'],
  quotaResultBytes: ['other'],
  quotaAllResults: 'constant',
  quotaAllResultBytes: 'constant',
  apiKey: ['other'],
  apiKeys: 'constant',
  apiKeyHash: ['other'],
  rateBucket: ['other'],
  findings: ['clusterId'],
  findingClusters: 'constant',
  watchClaim: ['other'],
  deadLetters: 'constant',
};

describe('redis-cluster: hash tags', () => {
  const keySlot = async (key: string): Promise<number> => {
    const node = topology?.nodes[0];
    if (node === undefined) throw new Error('no cluster node');
    const client = new Redis({ port: node.port, host: '127.0.0.1' });
    try {
      return Number(await client.call('CLUSTER', 'KEYSLOT', key));
    } finally {
      client.disconnect();
    }
  };

  it('every key builder is classified, and every key of one cluster hashes to that cluster’s slot (CLUSTER KEYSLOT)', async () => {
    const keys = createRedisKeys('kubently:');
    expect(Object.keys(keys).sort()).toEqual(Object.keys(builderParameters).sort());
    const clusterIds = ['prod', 'staging-eu-1', 'a.b_c-9', 'x'];
    let checked = 0;
    for (const clusterId of clusterIds) {
      const slot = await keySlot(`{${clusterId}}`);
      for (const [name, parameters] of Object.entries(builderParameters)) {
        if (parameters === 'constant' || !parameters.includes('clusterId')) continue;
        const builder: unknown = Reflect.get(keys, name);
        if (typeof builder !== 'function') throw new Error(`${name} is not a key builder`);
        for (const other of ['executor-1', 'e:{odd}', '']) {
          const args = parameters.map((parameter) => (parameter === 'clusterId' ? clusterId : other));
          const key: unknown = Reflect.apply(builder, keys, args);
          if (typeof key !== 'string') throw new Error(`${name} built no string`);
          expect({ key, slot: await keySlot(key) }).toEqual({ key, slot });
          checked += 1;
        }
      }
    }
    const perCluster = Object.values(builderParameters).filter(
      (parameters) => parameters !== 'constant' && parameters.includes('clusterId'),
    ).length;
    expect(perCluster).toBe(8);
    expect(checked).toBe(clusterIds.length * perCluster * 3);
    // Every quota key shares one slot: the admission script reads an identity's keys and the totals.
    const quotaSlot = await keySlot(keys.quotaAllResults);
    for (const key of [
      keys.quotaAllResultBytes,
      keys.quotaSlots('alice'),
      keys.quotaResults('bob{x}'),
      keys.quotaResultBytes('carol'),
    ])
      expect(await keySlot(key)).toBe(quotaSlot);
  });
});
