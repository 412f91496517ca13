import type { ListTasksRequest, ListTasksResponse, Task } from '@a2a-js/sdk';

import { listTasks } from '../agent-task-store.js';
import type { AgentTaskStore } from '../agent-task-store.js';
import { cancelMessageSchema, storedTaskSchema, taskEventSchema } from './agent-task-schemas.js';
import type { CancelMessage } from './agent-task-schemas.js';
import type { BadDataReporter } from './bad-data-reporter.js';
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
  readonly reporter: BadDataReporter;
}

/**
 * One JSON string per task (`agent-task:<owner>:<id>`, TTL refreshed on save) and one sorted set
 * per owner by last save time for ListTasks. Tasks are plain JSON (no binary parts are produced).
 * Cancel requests travel on the `agent-tasks` channel; a replica ignores its own messages after
 * calling its local listeners directly. A stored task or a message that fails its shape check is
 * reported and treated as absent (dropped); no listener can throw into ioredis.
 */
export class RedisAgentTaskStore implements AgentTaskStore {
  readonly #options: RedisAgentTaskStoreOptions;
  readonly #listeners = new Set<(taskId: string) => void>();
  /** Channel → listeners of one task's live events. */
  readonly #eventListeners = new Map<string, Set<(event: unknown) => void>>();

  constructor(options: RedisAgentTaskStoreOptions) {
    this.#options = options;
    const { reporter } = options;
    options.subscriber.on(
      'message',
      reporter.guard(
        { entity: 'agent-task-events', key: options.keys.agentTaskEvents },
        (channel: string, message: string) => {
          const site = { entity: 'agent-task-events', key: channel };
          const listeners = this.#eventListeners.get(channel);
          if (listeners !== undefined) {
            const event = reporter.parseJson(taskEventSchema, message, site, 'bad_message');
            if (event === null) return;
            for (const listener of listeners) reporter.guard(site, listener)(event);
            return;
          }
          if (channel !== options.keys.agentTaskEvents) return;
          const cancel = reporter.parseJson(cancelMessageSchema, message, site, 'bad_message');
          if (cancel === null || cancel.from === options.replicaId) return;
          this.#notify(cancel.taskId);
        },
      ),
    );
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
    const key = this.#options.keys.agentTask(owner, taskId);
    const json = await this.#options.reporter.absentOnWrongType(this.#options.client.get(key), {
      entity: 'agent-task',
      key,
    });
    return json === null ? null : this.#parse(key, taskId, json);
  }

  async list(owner: string, request: ListTasksRequest): Promise<ListTasksResponse> {
    const { client, keys, maxTasksPerOwner } = this.#options;
    const ids = await client.zrevrange(keys.ownerTasks(owner), 0, maxTasksPerOwner - 1);
    if (ids.length === 0) return listTasks([], request);
    // One key per MGET would cross slots on Redis Cluster; GETs are pipelined instead.
    const tasks = await Promise.all(ids.map((id) => this.load(owner, id)));
    return listTasks(
      tasks.filter((task) => task !== null),
      request,
    );
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
    const site = { entity: 'agent-task-events', key: this.#options.keys.agentTaskEvents };
    for (const listener of this.#listeners) this.#options.reporter.guard(site, listener)(taskId);
  }

  /** A task stored under another id is not this task. */
  #parse(key: string, taskId: string, json: string): Task | null {
    const site = { entity: 'agent-task', key };
    const task = this.#options.reporter.parseJson(storedTaskSchema, json, site);
    if (task === null || task.id === taskId) return task;
    this.#options.reporter.report('bad_record', site, 'holds another task');
    return null;
  }
}
