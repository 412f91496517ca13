import type { Task } from '@a2a-js/sdk';

import { listTasks } from '../agent-task-store.js';
import type { AgentTaskStore } from '../agent-task-store.js';

export interface MemoryAgentTaskStoreOptions {
  /** Tasks kept per owner; the least recently saved is dropped first (default 1000). */
  readonly maxTasksPerOwner?: number;
}

/** One replica: tasks in a map per owner, cancel requests go to local listeners only. */
export class MemoryAgentTaskStore implements AgentTaskStore {
  readonly #owners = new Map<string, Map<string, Task>>();
  readonly #listeners = new Set<(taskId: string) => void>();
  readonly #eventListeners = new Map<string, Set<(event: unknown) => void>>();
  readonly #maxTasksPerOwner: number;

  constructor(options: MemoryAgentTaskStoreOptions = {}) {
    this.#maxTasksPerOwner = options.maxTasksPerOwner ?? 1000;
  }

  save(owner: string, task: Task): Promise<void> {
    let tasks = this.#owners.get(owner);
    if (tasks === undefined) {
      tasks = new Map();
      this.#owners.set(owner, tasks);
    }
    tasks.delete(task.id);
    tasks.set(task.id, structuredClone(task));
    while (tasks.size > this.#maxTasksPerOwner) {
      const oldest = tasks.keys().next();
      if (oldest.done === true) break;
      tasks.delete(oldest.value);
    }
    return Promise.resolve();
  }

  load(owner: string, taskId: string): Promise<Task | null> {
    const task = this.#owners.get(owner)?.get(taskId);
    return Promise.resolve(task === undefined ? null : structuredClone(task));
  }

  list(owner: string, request: Parameters<AgentTaskStore['list']>[1]): ReturnType<AgentTaskStore['list']> {
    try {
      return Promise.resolve(listTasks([...(this.#owners.get(owner)?.values() ?? [])], request));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  requestCancel(taskId: string): Promise<void> {
    for (const listener of this.#listeners) listener(taskId);
    return Promise.resolve();
  }

  onCancelRequested(listener: (taskId: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  publishEvent(taskId: string, event: unknown): Promise<void> {
    for (const listener of this.#eventListeners.get(taskId) ?? []) listener(structuredClone(event));
    return Promise.resolve();
  }

  subscribeEvents(taskId: string, listener: (event: unknown) => void): Promise<() => Promise<void>> {
    let listeners = this.#eventListeners.get(taskId);
    if (listeners === undefined) {
      listeners = new Set();
      this.#eventListeners.set(taskId, listeners);
    }
    const set = listeners;
    set.add(listener);
    return Promise.resolve(() => {
      set.delete(listener);
      if (set.size === 0) this.#eventListeners.delete(taskId);
      return Promise.resolve();
    });
  }
}
