import type {
  AgentCard,
  CancelTaskRequest,
  ListTasksRequest,
  ListTasksResponse,
  StreamResponse,
  SubscribeToTaskRequest,
  Task,
} from '@a2a-js/sdk';
import { TaskState } from '@a2a-js/sdk';
import { TaskNotFoundError, UnsupportedOperationError } from '@a2a-js/sdk/errors';
import type {
  AgentExecutionEvent,
  ExtendedAgentCardProvider,
  PushNotificationSender,
  PushNotificationStore,
  ServerCallContext,
  TaskStore,
} from '@a2a-js/sdk/server';
import { DefaultRequestHandler } from '@a2a-js/sdk/server';

import type { AgentTaskStore } from '../../state/agent-task-store.js';
import { asA2a } from './a2a-errors.js';
import type { KubentlyAgentExecutor } from './kubently-agent-executor.js';

/** A remote subscriber re-reads the stored task this often, in case a relayed event was lost. */
const remoteRecheckMs = 5000;
/**
 * A remote subscription with neither an event nor a stored change for this long ends with the
 * stored task: the running replica is presumably gone (longer than the longest command, 300 s).
 */
const remoteSilenceMs = 360_000;

const terminalStates: ReadonlySet<TaskState> = new Set([
  TaskState.TASK_STATE_COMPLETED,
  TaskState.TASK_STATE_FAILED,
  TaskState.TASK_STATE_CANCELED,
  TaskState.TASK_STATE_REJECTED,
]);

const isTerminal = (task: Task): boolean => {
  const state = task.status?.state;
  return state !== undefined && terminalStates.has(state);
};

const toStreamResponse = (event: AgentExecutionEvent): StreamResponse | null => {
  switch (event.kind) {
    case 'task':
      return { payload: { $case: 'task', value: event.data } };
    case 'statusUpdate':
      return { payload: { $case: 'statusUpdate', value: event.data } };
    case 'artifactUpdate':
      return { payload: { $case: 'artifactUpdate', value: event.data } };
    case 'message':
      return null;
  }
};

const endsTask = (event: AgentExecutionEvent): boolean =>
  event.kind === 'statusUpdate' &&
  event.data.status !== undefined &&
  terminalStates.has(event.data.status.state);

/**
 * The SDK's handler plus what several replicas need: CancelTask for a task that runs on another
 * replica first asks that replica to abort it (state backend signal), then records CANCELED as the
 * SDK does for tasks without a local event bus; SubscribeToTask for such a task follows the events
 * the running replica relays through the state backend.
 */
export class KubentlyRequestHandler extends DefaultRequestHandler {
  readonly #executor: KubentlyAgentExecutor;
  readonly #tasks: AgentTaskStore;
  readonly #store: TaskStore;

  constructor(
    card: AgentCard,
    store: TaskStore,
    executor: KubentlyAgentExecutor,
    tasks: AgentTaskStore,
    /** GetExtendedAgentCard: the card for the authenticated caller (it names their clusters). */
    extendedCard?: ExtendedAgentCardProvider,
    /** Push notifications (the card's capability says whether they are on). */
    push?: { readonly store: PushNotificationStore; readonly sender: PushNotificationSender },
  ) {
    super(card, store, executor, undefined, push?.store, push?.sender, extendedCard);
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

  override async *resubscribe(
    params: SubscribeToTaskRequest,
    context: ServerCallContext,
  ): AsyncGenerator<StreamResponse, void, undefined> {
    if (this.#executor.isRunningHere(params.id)) {
      yield* super.resubscribe(params, context);
      return;
    }
    const pending: AgentExecutionEvent[] = [];
    let wake: (() => void) | undefined;
    // Subscribe before reading the task, so no event between the two is missed.
    const unsubscribe = await asA2a(() =>
      this.#tasks.subscribeEvents(params.id, (event) => {
        pending.push(event as AgentExecutionEvent);
        wake?.();
      }),
    );
    try {
      const task = await this.#store.load(params.id, context);
      if (task === undefined) throw new TaskNotFoundError(`Task not found: ${params.id}`);
      if (isTerminal(task)) {
        throw new UnsupportedOperationError(
          `Task ${params.id} is in a terminal state and cannot be subscribed to; read it with GetTask`,
        );
      }
      yield { payload: { $case: 'task', value: task } };
      let lastStamp = task.status?.timestamp ?? '';
      let lastActivity = Date.now();
      for (;;) {
        const event = pending.shift();
        if (event === undefined) {
          const woken = await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => {
              resolve(false);
            }, remoteRecheckMs);
            wake = () => {
              clearTimeout(timer);
              resolve(true);
            };
          });
          wake = undefined;
          if (!woken) {
            const stored = await this.#store.load(params.id, context);
            const stamp = stored?.status?.timestamp ?? '';
            if (stamp !== lastStamp) {
              lastStamp = stamp;
              lastActivity = Date.now();
            }
            if (stored === undefined || isTerminal(stored) || Date.now() - lastActivity > remoteSilenceMs) {
              if (stored !== undefined) yield { payload: { $case: 'task', value: stored } };
              return;
            }
          }
          continue;
        }
        lastActivity = Date.now();
        const response = toStreamResponse(event);
        if (response !== null) yield response;
        if (endsTask(event)) return;
      }
    } finally {
      await unsubscribe();
    }
  }

  override listTasks(params: ListTasksRequest, context: ServerCallContext): Promise<ListTasksResponse> {
    return asA2a(() => super.listTasks(params, context));
  }
}
