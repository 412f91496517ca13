import { Redis } from 'ioredis';
import { afterAll } from 'vitest';

import { conversationStoreContract } from '../../../../packages/agent/test/support/conversation-store-contract.js';
import { MemoryAgentTaskStore } from '../../src/state/memory/memory-agent-task-store.js';
import { RedisConversationStore } from '../../src/state/redis/redis-conversation-store.js';
import { createRedisKeys } from '../../src/state/redis/redis-keys.js';
import { agentTaskStoreContract } from './agent-task-store-contract.js';
import { redisTestStates, redisUrl, silentReporter } from './redis/redis-test-state.js';

/** The agent's state (A2A tasks, conversation memory) on memory and on the machine's real Redis. */
const states = redisTestStates();
const client = new Redis(redisUrl);
afterAll(async () => {
  client.disconnect();
  await states.cleanup();
});

agentTaskStoreContract('memory', () => Promise.resolve({ store: new MemoryAgentTaskStore() }));
agentTaskStoreContract('redis', async () => {
  const prefix = states.newPrefix();
  const first = await states.create({ prefix });
  return { store: first.tasks, second: async () => (await states.create({ prefix })).tasks };
});

// The state backend's own store keeps 200 messages; the contract needs one that keeps 4.
conversationStoreContract(
  'redis',
  () =>
    new RedisConversationStore({
      client,
      keys: createRedisKeys(states.newPrefix()),
      maxMessages: 4,
      ttlMs: 60_000,
      reporter: silentReporter(),
    }),
);
