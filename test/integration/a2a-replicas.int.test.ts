import { randomUUID } from 'node:crypto';

import { TaskState } from '@a2a-js/sdk';
import type { Task } from '@a2a-js/sdk';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  a2aClient,
  answerOf,
  collect,
  describeResponse,
  userMessage,
  withKey,
} from './support/a2a-client.js';
import type { Seen } from './support/a2a-client.js';
import { agentKeys, programmableModel, startAgentKubently } from './support/agent-kubently.js';
import type { AgentKubently } from './support/agent-kubently.js';
import { eventually } from './support/processes.js';

const redisUrl = 'redis://127.0.0.1:6379';

const isTask = (value: unknown): value is Task =>
  typeof value === 'object' && value !== null && 'status' in value && 'artifacts' in value;

/**
 * Two replicas on the machine's real Redis (one key prefix for both, deleted afterwards); the
 * executor is connected to replica A only. A2A state lives in Redis, so B answers for A's tasks.
 */
describe('A2A across two replicas sharing Redis', () => {
  const prefix = `kubently-a2a-test:${randomUUID()}:`;
  const modelA = programmableModel();
  const modelB = programmableModel();
  let replicaA: AgentKubently;
  let replicaB: AgentKubently;

  beforeAll(async () => {
    const config = { redisUrl, redisPrefix: prefix };
    replicaA = await startAgentKubently({ config, overrides: { model: modelA.model } });
    replicaB = await startAgentKubently({ config, overrides: { model: modelB.model }, clusterId: null });
    await replicaB.api.waitForExecutors('prod');
  });
  afterAll(async () => {
    await replicaB.close();
    await replicaA.close();
    const client = new Redis(redisUrl);
    try {
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await client.del(...keys);
      } while (cursor !== '0');
    } finally {
      client.disconnect();
    }
  });

  it('GetTask and ListTasks on B answer for a task that ran on A; the conversation continues on B', async () => {
    modelA.script([{ text: 'first answer: checkout is crash-looping' }]);
    const onA = await a2aClient(replicaA.url);
    const onB = await a2aClient(replicaB.url);
    const contextId = `ctx-${randomUUID()}`;
    const result = await onA.sendMessage(
      userMessage('what is wrong?', { clusterId: 'prod' }, contextId),
      withKey(agentKeys.operator),
    );
    if (!isTask(result)) throw new Error('expected a task');
    const fetched = await onB.getTask(
      { tenant: '', id: result.id, historyLength: undefined },
      withKey(agentKeys.operator),
    );
    expect(fetched.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(answerOf(fetched)).toBe('first answer: checkout is crash-looping');
    const listed = await onB.listTasks(
      {
        tenant: '',
        contextId,
        status: TaskState.TASK_STATE_UNSPECIFIED,
        pageToken: '',
        statusTimestampAfter: undefined,
      },
      withKey(agentKeys.operator),
    );
    expect(listed.tasks.map((task) => task.id)).toEqual([result.id]);
    // The follow-up lands on B: the conversation memory (in Redis) reaches B's model.
    modelB.script([{ text: 'second answer' }]);
    await onB.sendMessage(
      userMessage('and why?', { clusterId: 'prod' }, contextId),
      withKey(agentKeys.operator),
    );
    const prompt = JSON.stringify(modelB.calls[0]?.prompt);
    expect(prompt).toContain('what is wrong?');
    expect(prompt).toContain('first answer: checkout is crash-looping');
    // Another caller's identical context id starts empty.
    modelB.script([{ text: 'third answer' }]);
    await onB.sendMessage(userMessage('hello', { clusterId: 'prod' }, contextId), withKey(agentKeys.admin));
    expect(JSON.stringify(modelB.calls[0]?.prompt)).not.toContain('first answer');
  });

  it("CancelTask on B stops the run on A (commands on A's executor); the stream on A ends CANCELED", async () => {
    modelA.script([
      {
        toolCalls: [
          {
            id: 's1',
            name: 'execute_kubectl',
            input: { args: ['get', 'pods', 'fake-sleep-20'], timeoutSeconds: 60 },
          },
        ],
      },
      { text: 'never reached' },
    ]);
    const onA = await a2aClient(replicaA.url);
    const onB = await a2aClient(replicaB.url);
    const states: (number | undefined)[] = [];
    let cancelled: Task | undefined;
    for await (const response of onA.sendMessageStream(
      userMessage('slow', { clusterId: 'prod' }),
      withKey(agentKeys.operator),
    )) {
      const item = describeResponse(response);
      states.push(item.state);
      if (item.kubently?.['type'] === 'tool-call-started') {
        await eventually(() =>
          replicaA.kubectl.invocations().some((call) => call.argv.includes('fake-sleep-20'))
            ? true
            : undefined,
        );
        cancelled = await onB.cancelTask(
          { tenant: '', id: item.taskId ?? '', metadata: undefined },
          withKey(agentKeys.operator),
        );
      }
    }
    expect(cancelled?.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    expect(states.at(-1)).toBe(TaskState.TASK_STATE_CANCELED);
    expect(modelA.calls).toHaveLength(1);
  });

  it('SubscribeToTask on B follows a task running on A to the end (events relayed through Redis)', async () => {
    modelA.script([
      {
        toolCalls: [{ id: 'r1', name: 'execute_kubectl', input: { args: ['get', 'pods', 'fake-sleep-2'] } }],
      },
      { text: 'relayed answer' },
    ]);
    const onA = await a2aClient(replicaA.url);
    const onB = await a2aClient(replicaB.url);
    let followed: Promise<Seen[]> | undefined;
    for await (const response of onA.sendMessageStream(
      userMessage('relay', { clusterId: 'prod' }),
      withKey(agentKeys.operator),
    )) {
      const item = describeResponse(response);
      if (item.kubently?.['type'] === 'tool-call-started' && followed === undefined) {
        followed = collect(
          onB.resubscribeTask({ tenant: '', id: item.taskId ?? '' }, withKey(agentKeys.operator)),
        );
      }
    }
    const again = await (followed ?? Promise.resolve([]));
    expect(again[0]?.kind).toBe('task');
    expect(again.some((item) => item.kubently?.['type'] === 'tool-call-finished')).toBe(true);
    expect(again.find((item) => item.kind === 'artifactUpdate')?.text).toBe('relayed answer');
    expect(again.at(-1)?.state).toBe(TaskState.TASK_STATE_COMPLETED);
  });
});
