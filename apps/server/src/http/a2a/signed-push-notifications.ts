import { TaskState } from '@a2a-js/sdk';
import type { StreamResponse, Task, TaskPushNotificationConfig } from '@a2a-js/sdk';
import { A2AError, RequestMalformedError } from '@a2a-js/sdk/errors';
import { V03PushNotificationSerializer } from '@a2a-js/sdk/compat/v0_3/server';
import { InMemoryPushNotificationStore, V1PushNotificationSerializer } from '@a2a-js/sdk/server';
import type {
  PushNotificationSender,
  PushNotificationSerializer,
  PushNotificationStore,
  ServerCallContext,
  StoredPushNotificationConfig,
} from '@a2a-js/sdk/server';

import type { CallbackConfig } from '../../callbacks/callback-config.js';
import type { CallbackSender } from '../../callbacks/callback-sender.js';
import { checkCallbackUrl, resolveCallbackTarget } from '../../callbacks/callback-target.js';
import type { ResolveHost } from '../../callbacks/callback-target.js';
import type { Logger } from '../../support/logger.js';
import { asA2a } from './a2a-errors.js';

const field = 'pushNotificationConfig.url';

/** Bounds on what callers can make a replica hold and fan out to (see PushConfigLimits). */
export interface PushConfigLimits {
  /** Push configs one caller may set on one task: each task event is POSTed to every one. */
  readonly perTask: number;
  /** Push configs one replica holds; those of finished tasks are dropped first to make room. */
  readonly total: number;
}

export const defaultPushConfigLimits: PushConfigLimits = { perTask: 10, total: 10_000 };

const terminalStates: ReadonlySet<TaskState> = new Set([
  TaskState.TASK_STATE_COMPLETED,
  TaskState.TASK_STATE_FAILED,
  TaskState.TASK_STATE_CANCELED,
  TaskState.TASK_STATE_REJECTED,
]);

/** Whether this event ends its task (no more pushes will follow for it). */
const endsTask = (response: StreamResponse): boolean => {
  const payload = response.payload;
  if (payload === undefined) return false;
  switch (payload.$case) {
    case 'task':
    case 'statusUpdate': {
      const state = payload.value.status?.state;
      return state !== undefined && terminalStates.has(state);
    }
    case 'artifactUpdate':
    case 'message':
      return false;
  }
};

/**
 * A2A push configs (CreateTaskPushNotificationConfig, or `configuration.taskPushNotificationConfig`
 * of SendMessage), kept per caller like the SDK's in-memory store, but only for a URL the server
 * would deliver to: the same checks as a command's callbackUrl (scheme, allowlist, resolved
 * addresses), so an agent cannot point the server at its metadata service or an internal host.
 * A refused URL is an invalid request naming the fix. Configs live on the replica that took them.
 *
 * Bounded, because every config is an outbound POST per task event and memory held until the
 * replica stops: at most `perTask` configs per caller and task (a caller cannot turn one task into
 * a flood of requests), at most `total` per replica. When the replica is full, the configs of
 * tasks that have ended are dropped, oldest ended first; a config of a running task is never
 * dropped, so a full replica of running tasks refuses new configs with an error naming the limit.
 * A finished task's configs stay listable until then.
 */
export class CheckedPushNotificationStore implements PushNotificationStore {
  readonly #inner = new InMemoryPushNotificationStore();
  readonly #config: CallbackConfig;
  readonly #resolve: ResolveHost;
  readonly #limits: PushConfigLimits;
  /** Tasks that have ended and still hold configs, by task id, oldest first. */
  readonly #ended = new Map<string, ServerCallContext>();
  #total = 0;

  constructor(
    config: CallbackConfig,
    resolve: ResolveHost,
    limits: PushConfigLimits = defaultPushConfigLimits,
  ) {
    this.#config = config;
    this.#resolve = resolve;
    this.#limits = limits;
  }

  /** Configs held on this replica (all callers, all tasks). */
  get size(): number {
    return this.#total;
  }

  async save(taskId: string, context: ServerCallContext, config: TaskPushNotificationConfig): Promise<void> {
    await asA2a(async () => {
      const url = checkCallbackUrl(config.url, this.#config, field);
      await resolveCallbackTarget(url, this.#config, this.#resolve, field);
    });
    const existing = await this.#inner.load(taskId, context);
    const isReplacement = config.id !== '' && existing.some((stored) => stored.id === config.id);
    if (!isReplacement) {
      if (existing.length >= this.#limits.perTask) {
        throw new RequestMalformedError(
          `task ${taskId} already has ${String(existing.length)} push configs, the most one caller may set on a task; delete one (DeleteTaskPushNotificationConfig) or reuse its id to replace it`,
        );
      }
      await this.#makeRoom();
      if (this.#total >= this.#limits.total) {
        throw new A2AError(
          `this replica holds ${String(this.#total)} push configs of running tasks, its limit; retry when tasks have finished, or poll GetTask instead`,
        );
      }
    }
    await this.#inner.save(taskId, context, config);
    this.#total += (await this.#inner.load(taskId, context)).length - existing.length;
  }

  load(taskId: string, context: ServerCallContext): Promise<TaskPushNotificationConfig[]> {
    return this.#inner.load(taskId, context);
  }

  loadWithMetadata(taskId: string, context: ServerCallContext): Promise<StoredPushNotificationConfig[]> {
    return this.#inner.loadWithMetadata(taskId, context);
  }

  async delete(taskId: string, context: ServerCallContext, configId?: string): Promise<void> {
    const before = (await this.#inner.load(taskId, context)).length;
    await this.#inner.delete(taskId, context, configId);
    const after = (await this.#inner.load(taskId, context)).length;
    this.#total -= before - after;
    if (after === 0) this.#ended.delete(taskId);
  }

  /** The task has ended: its configs may be dropped when the replica needs room. */
  taskEnded(taskId: string, context: ServerCallContext): void {
    if (!this.#ended.has(taskId)) this.#ended.set(taskId, context);
  }

  async #makeRoom(): Promise<void> {
    while (this.#total >= this.#limits.total) {
      const oldest = this.#ended.entries().next();
      if (oldest.done === true) return;
      const [taskId, context] = oldest.value;
      this.#ended.delete(taskId);
      for (const stored of await this.#inner.load(taskId, context))
        await this.delete(taskId, context, stored.id);
    }
  }
}

const taskIdOf = (response: StreamResponse): string => {
  const payload = response.payload;
  if (payload === undefined) return '';
  switch (payload.$case) {
    case 'task':
      return payload.value.id;
    case 'statusUpdate':
    case 'artifactUpdate':
    case 'message':
      return payload.value.taskId;
  }
};

/**
 * Sends each task event to the task's push configs through the callback sender: the URL is
 * checked again and pinned per attempt, redirects are not followed, retries back off on the
 * injected timers, and every push carries the X-Kubently-Signature of the callbacks (plus the
 * config's token as X-A2A-Notification-Token and its authentication as Authorization, as A2A
 * receivers expect). Events of one task go out in order.
 */
export class SignedPushNotificationSender implements PushNotificationSender {
  readonly #store: CheckedPushNotificationStore;
  readonly #sender: CallbackSender;
  readonly #logger: Logger;
  readonly #chains = new Map<string, Promise<void>>();
  readonly #serializers: Readonly<Record<string, PushNotificationSerializer>> = {
    '1.0': new V1PushNotificationSerializer(),
    '0.3': new V03PushNotificationSerializer(),
  };

  constructor(store: CheckedPushNotificationStore, sender: CallbackSender, logger: Logger) {
    this.#store = store;
    this.#sender = sender;
    this.#logger = logger;
  }

  async send(response: StreamResponse, context: ServerCallContext, task?: Task): Promise<void> {
    const taskId = taskIdOf(response);
    if (taskId === '') return;
    const stored = await this.#store.loadWithMetadata(taskId, context);
    if (stored.length === 0) return;
    if (endsTask(response)) this.#store.taskEnded(taskId, context);
    const previous = this.#chains.get(taskId) ?? Promise.resolve();
    const next = previous.then(() => this.#dispatch(response, stored, taskId, task));
    this.#chains.set(taskId, next);
    try {
      await next;
    } finally {
      if (this.#chains.get(taskId) === next) this.#chains.delete(taskId);
    }
  }

  async #dispatch(
    response: StreamResponse,
    stored: readonly StoredPushNotificationConfig[],
    taskId: string,
    task: Task | undefined,
  ): Promise<void> {
    await Promise.all(
      stored.map(async ({ config, wireVersion }) => {
        const serializer = this.#serializers[wireVersion] ?? this.#serializers['1.0'];
        if (serializer === undefined) return;
        const { body, contentType } = serializer.serialize(response, task);
        const headers: Record<string, string> = {};
        if (config.authentication !== undefined)
          headers['authorization'] = `${config.authentication.scheme} ${config.authentication.credentials}`;
        else if (config.token !== '') headers['x-a2a-notification-token'] = config.token;
        const outcome = await this.#sender.deliver({
          url: new URL(config.url),
          body,
          contentType,
          headers,
          subject: { taskId, pushConfigId: config.id },
        });
        if (outcome.type !== 'delivered')
          this.#logger.warn(
            { taskId, pushConfigId: config.id, outcome: outcome.type },
            'A2A push not delivered',
          );
      }),
    );
  }
}
