import type { ListTasksRequest, Task } from '@a2a-js/sdk';
import { Role, TaskState } from '@a2a-js/sdk';
import { describe, expect, it } from 'vitest';

import type { AgentTaskStore } from '../../src/state/agent-task-store.js';

const listAll = (overrides: Partial<ListTasksRequest> = {}): ListTasksRequest => ({
  tenant: '',
  contextId: '',
  status: TaskState.TASK_STATE_UNSPECIFIED,
  pageToken: '',
  statusTimestampAfter: undefined,
  ...overrides,
});

const task = (id: string, options: { contextId?: string; state?: TaskState; at?: string } = {}): Task => ({
  id,
  contextId: options.contextId ?? 'ctx-1',
  status: {
    state: options.state ?? TaskState.TASK_STATE_WORKING,
    message: undefined,
    timestamp: options.at ?? '2026-11-24T10:00:00.000Z',
  },
  artifacts: [
    {
      artifactId: 'answer',
      name: 'answer',
      description: '',
      parts: [
        {
          content: { $case: 'text', value: `answer of ${id}` },
          mediaType: 'text/markdown',
          filename: '',
          metadata: {},
        },
      ],
      metadata: { kubently: { type: 'final' } },
      extensions: [],
    },
  ],
  history: [1, 2, 3].map((n) => ({
    messageId: `${id}-m${n}`,
    contextId: options.contextId ?? 'ctx-1',
    taskId: id,
    role: Role.ROLE_USER,
    parts: [{ content: { $case: 'text', value: `message ${n}` }, mediaType: '', filename: '', metadata: {} }],
    metadata: {},
    extensions: [],
    referenceTaskIds: [],
  })),
  metadata: { kubently: { clusterId: 'prod' } },
});

/**
 * The behaviour every AgentTaskStore must have (memory and Redis). The factory returns a fresh,
 * empty store; `second` (when given) returns another store over the same data, as a second replica.
 */
export const agentTaskStoreContract = (
  name: string,
  create: () => Promise<{ store: AgentTaskStore; second?: () => Promise<AgentTaskStore> }>,
): void => {
  describe(`AgentTaskStore contract: ${name}`, () => {
    it('saves, loads and overwrites a task as plain data', async () => {
      const { store } = await create();
      expect(await store.load('alice', 't1')).toBeNull();
      await store.save('alice', task('t1'));
      expect(await store.load('alice', 't1')).toEqual(task('t1'));
      await store.save('alice', task('t1', { state: TaskState.TASK_STATE_COMPLETED }));
      expect((await store.load('alice', 't1'))?.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    });

    it('scopes tasks per owner: another caller cannot load or list them', async () => {
      const { store } = await create();
      await store.save('alice', task('t1'));
      expect(await store.load('bob', 't1')).toBeNull();
      expect((await store.list('bob', listAll())).tasks).toEqual([]);
      expect((await store.list('alice', listAll())).totalSize).toBe(1);
    });

    it('lists newest status first, filters by context, state and time, and omits artifacts unless asked', async () => {
      const { store } = await create();
      await store.save('alice', task('a', { at: '2026-11-24T10:00:01.000Z' }));
      await store.save('alice', task('b', { at: '2026-11-24T10:00:03.000Z', contextId: 'ctx-2' }));
      await store.save(
        'alice',
        task('c', { at: '2026-11-24T10:00:02.000Z', state: TaskState.TASK_STATE_COMPLETED }),
      );
      const all = await store.list('alice', listAll());
      expect(all.tasks.map((t) => t.id)).toEqual(['b', 'c', 'a']);
      expect(all.tasks.every((t) => t.artifacts.length === 0)).toBe(true);
      expect(all).toMatchObject({ totalSize: 3, nextPageToken: '', pageSize: 50 });
      expect((await store.list('alice', listAll({ contextId: 'ctx-2' }))).tasks.map((t) => t.id)).toEqual([
        'b',
      ]);
      expect(
        (await store.list('alice', listAll({ status: TaskState.TASK_STATE_COMPLETED }))).tasks.map(
          (t) => t.id,
        ),
      ).toEqual(['c']);
      expect(
        (await store.list('alice', listAll({ statusTimestampAfter: '2026-11-24T10:00:02.000Z' }))).tasks.map(
          (t) => t.id,
        ),
      ).toEqual(['b', 'c']);
      const withArtifacts = await store.list('alice', listAll({ includeArtifacts: true, historyLength: 1 }));
      expect(withArtifacts.tasks[0]?.artifacts[0]?.name).toBe('answer');
      expect(withArtifacts.tasks[0]?.history.map((m) => m.messageId)).toEqual(['b-m3']);
    });

    it('pages with nextPageToken until the end', async () => {
      const { store } = await create();
      for (let i = 0; i < 5; i += 1)
        await store.save('alice', task(`t${i}`, { at: `2026-11-24T10:00:0${i}.000Z` }));
      const seen: string[] = [];
      let pageToken = '';
      for (let page = 0; page < 5; page += 1) {
        const answer = await store.list('alice', listAll({ pageSize: 2, pageToken }));
        expect(answer.totalSize).toBe(5);
        seen.push(...answer.tasks.map((t) => t.id));
        pageToken = answer.nextPageToken;
        if (pageToken === '') break;
      }
      expect(seen).toEqual(['t4', 't3', 't2', 't1', 't0']);
    });

    it('rejects a page token it did not issue and a bad time filter with validation_failed', async () => {
      const { store } = await create();
      await store.save('alice', task('t1'));
      await expect(store.list('alice', listAll({ pageToken: 'bm90LWEtdG9rZW4' }))).rejects.toMatchObject({
        code: 'validation_failed',
      });
      await expect(store.list('alice', listAll({ statusTimestampAfter: 'yesterday' }))).rejects.toMatchObject(
        {
          code: 'validation_failed',
        },
      );
    });

    it('delivers a cancel request to local listeners and, across replicas, to the other replica', async () => {
      const { store, second } = await create();
      const heard: string[] = [];
      const stop = store.onCancelRequested((taskId) => heard.push(`here:${taskId}`));
      await store.requestCancel('t1');
      expect(heard).toEqual(['here:t1']);
      if (second !== undefined) {
        const other = await second();
        await store.save('alice', task('t2'));
        expect((await other.load('alice', 't2'))?.id).toBe('t2');
        const received = new Promise<string>((resolve) => {
          const off = store.onCancelRequested((taskId) => {
            if (taskId === 't2') {
              off();
              resolve(taskId);
            }
          });
        });
        await other.requestCancel('t2');
        expect(await received).toBe('t2');
      }
      stop();
      await store.requestCancel('t3');
      expect(heard).not.toContain('here:t3');
    });

    it('relays the live events of a task to subscribers (on another replica too) until they unsubscribe', async () => {
      const { store, second } = await create();
      const listener = second === undefined ? store : await second();
      const received: unknown[] = [];
      let resolveTwo: () => void = () => undefined;
      const two = new Promise<void>((resolve) => {
        resolveTwo = resolve;
      });
      const unsubscribe = await listener.subscribeEvents('t9', (event) => {
        received.push(event);
        if (received.length === 2) resolveTwo();
      });
      await store.publishEvent('t8', { kind: 'statusUpdate', data: { taskId: 't8', contextId: 'c1' } });
      await store.publishEvent('t9', { kind: 'statusUpdate', data: { taskId: 't9', contextId: 'c1', n: 1 } });
      await store.publishEvent('t9', {
        kind: 'artifactUpdate',
        data: { taskId: 't9', contextId: 'c1', n: 2 },
      });
      await two;
      expect(received).toEqual([
        { kind: 'statusUpdate', data: { taskId: 't9', contextId: 'c1', n: 1 } },
        { kind: 'artifactUpdate', data: { taskId: 't9', contextId: 'c1', n: 2 } },
      ]);
      await unsubscribe();
      await store.publishEvent('t9', { kind: 'statusUpdate', data: { taskId: 't9', contextId: 'c1', n: 3 } });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(received).toHaveLength(2);
    });
  });
};
