import type { AgentCard, CancelTaskRequest, ListTasksRequest, ListTasksResponse, Task } from '@a2a-js/sdk';
import { TaskState } from '@a2a-js/sdk';
import type { ServerCallContext, TaskStore } from '@a2a-js/sdk/server';
import { DefaultRequestHandler } from '@a2a-js/sdk/server';

import type { AgentTaskStore } from '../../state/agent-task-store.js';
import { asA2a } from './a2a-errors.js';
import type { KubentlyAgentExecutor } from './kubently-agent-executor.js';

const terminalStates: ReadonlySet<TaskState> = new Set([
  TaskState.TASK_STATE_COMPLETED,
  TaskState.TASK_STATE_FAILED,
  TaskState.TASK_STATE_CANCELED,
  TaskState.TASK_STATE_REJECTED,
]);

/**
 * The SDK's handler plus what several replicas need: CancelTask for a task that runs on another
 * replica first asks that replica to abort it (state backend signal), then records CANCELED as the
 * SDK does for tasks without a local event bus.
 */
export class KubentlyRequestHandler extends DefaultRequestHandler {
  readonly #executor: KubentlyAgentExecutor;
  readonly #tasks: AgentTaskStore;
  readonly #store: TaskStore;

  constructor(card: AgentCard, store: TaskStore, executor: KubentlyAgentExecutor, tasks: AgentTaskStore) {
    super(card, store, executor);
    this.#executor = executor;
    this.#tasks = tasks;
    this.#store = store;
  }

  override async cancelTask(params: CancelTaskRequest, context: ServerCallContext): Promise<Task> {
    if (!this.#executor.isRunningHere(params.id)) {
      const task = await this.#store.load(params.id, context);
      const state = task?.status?.state;
      if (task !== undefined && (state === undefined || !terminalStates.has(state))) {
        await asA2a(() => this.#tasks.requestCancel(params.id));
      }
    }
    return super.cancelTask(params, context);
  }

  override listTasks(params: ListTasksRequest, context: ServerCallContext): Promise<ListTasksResponse> {
    return asA2a(() => super.listTasks(params, context));
  }
}
