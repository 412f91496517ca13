import type { ListTasksRequest, ListTasksResponse, Task } from '@a2a-js/sdk';

import { listTasks } from '../agent-task-store.js';
import type { AgentTaskStore } from '../agent-task-store.js';
import type { RedisKeys } from './redis-keys.js';
import type { RedisClient } from './redis-script.js';

export interface RedisAgentTaskStoreOptions {
  readonly client: RedisClient;
  /** The dedicated subscriber connection shared with RedisEvents. */
  readonly subscriber: RedisClient;
  readonly keys: RedisKeys;
  readonly replicaId: string;
  /** How long a task stays readable after its last update. */
  readonly taskTtlMs: number;
  /** Tasks listed per owner; older ones drop out of ListTasks (their keys expire by TTL). */
  readonly maxTasksPerOwner: number;
}

interface CancelMessage {
  readonly type: 'cancel';
  readonly from: string;
  readonly taskId: string;
}

const parseCancel = (message: string): CancelMessage | null => {
  try {
    const value = JSON.parse(message) as Partial<Record<string, unknown>>;
    return value.type === 'cancel' && typeof value.from === 'string' && typeof value.taskId === 'string'
      ? { type: 'cancel', from: value.from, taskId: value.taskId }
      : null;
  } catch {
    return null;
  }
};

/**
 * One JSON string per task (`agent-task:<owner>:<id>`, TTL refreshed on save) and one sorted set
 * per owner by last save time for ListTasks. Tasks are plain JSON (no binary parts are produced).
 * Cancel requests travel on the `agent-tasks` channel; a replica ignores its own messages after
 * calling its local listeners directly.
 */
export class RedisAgentTaskStore implements AgentTaskStore {
  readonly #options: RedisAgentTaskStoreOptions;
  readonly #listeners = new Set<(taskId: string) => void>();
  /** Channel → listeners of one task's live events. */
  readonly #eventListeners = new Map<string, Set<(event: unknown) => void>>();

  constructor(options: RedisAgentTaskStoreOptions) {
    this.#options = options;
    options.subscriber.on('message', (channel: string, message: string) => {
      const listeners = this.#eventListeners.get(channel);
      if (listeners !== undefined) {
        let event: unknown;
        try {
          event = JSON.parse(message);
        } catch {
          return;
        }
        for (const listener of listeners) listener(event);
        return;
      }
      if (channel !== options.keys.agentTaskEvents) return;
      const cancel = parseCancel(message);
      if (cancel === null || cancel.from === options.replicaId) return;
      this.#notify(cancel.taskId);
    });
  }

  async start(): Promise<void> {
    await this.#options.subscriber.subscribe(this.#options.keys.agentTaskEvents);
  }

  async save(owner: string, task: Task): Promise<void> {
    const { client, keys, taskTtlMs, maxTasksPerOwner } = this.#options;
    const index = keys.ownerTasks(owner);
    await client.set(keys.agentTask(owner, task.id), JSON.stringify(task), 'PX', taskTtlMs);
    await client.zadd(index, Date.now(), task.id);
    await client.zremrangebyrank(index, 0, -(maxTasksPerOwner + 1));
    await client.pexpire(index, taskTtlMs);
  }

  async load(owner: string, taskId: string): Promise<Task | null> {
    const json = await this.#options.client.get(this.#options.keys.agentTask(owner, taskId));
    return json === null ? null : (JSON.parse(json) as Task);
  }

  async list(owner: string, request: ListTasksRequest): Promise<ListTasksResponse> {
    const { client, keys, maxTasksPerOwner } = this.#options;
    const ids = await client.zrevrange(keys.ownerTasks(owner), 0, maxTasksPerOwner - 1);
    if (ids.length === 0) return listTasks([], request);
    // One key per MGET would cross slots on Redis Cluster; GETs are pipelined instead.
    const values = await Promise.all(ids.map((id) => client.get(keys.agentTask(owner, id))));
    const tasks = values
      .filter((json): json is string => json !== null)
      .map((json) => JSON.parse(json) as Task);
    return listTasks(tasks, request);
  }

  async requestCancel(taskId: string): Promise<void> {
    this.#notify(taskId);
    const message: CancelMessage = { type: 'cancel', from: this.#options.replicaId, taskId };
    await this.#options.client.publish(this.#options.keys.agentTaskEvents, JSON.stringify(message));
  }

  onCancelRequested(listener: (taskId: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async publishEvent(taskId: string, event: unknown): Promise<void> {
    await this.#options.client.publish(
      this.#options.keys.agentTaskEventChannel(taskId),
      JSON.stringify(event),
    );
  }

  async subscribeEvents(taskId: string, listener: (event: unknown) => void): Promise<() => Promise<void>> {
    const channel = this.#options.keys.agentTaskEventChannel(taskId);
    let listeners = this.#eventListeners.get(channel);
    if (listeners === undefined) {
      listeners = new Set();
      this.#eventListeners.set(channel, listeners);
      await this.#options.subscriber.subscribe(channel);
    }
    const set = listeners;
    set.add(listener);
    return async () => {
      set.delete(listener);
      if (set.size > 0 || this.#eventListeners.get(channel) !== set) return;
      this.#eventListeners.delete(channel);
      await this.#options.subscriber.unsubscribe(channel);
    };
  }

  #notify(taskId: string): void {
    for (const listener of this.#listeners) listener(taskId);
  }
}
