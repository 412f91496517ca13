import type { StreamResponse, Task, TaskPushNotificationConfig } from '@a2a-js/sdk';
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

/**
 * A2A push configs (CreateTaskPushNotificationConfig, or `configuration.taskPushNotificationConfig`
 * of SendMessage), kept per caller like the SDK's in-memory store, but only for a URL the server
 * would deliver to: the same checks as a command's callbackUrl (scheme, allowlist, resolved
 * addresses), so an agent cannot point the server at its metadata service or an internal host.
 * A refused URL is an invalid request naming the fix. Configs live on the replica that took them.
 */
export class CheckedPushNotificationStore implements PushNotificationStore {
  readonly #inner = new InMemoryPushNotificationStore();
  readonly #config: CallbackConfig;
  readonly #resolve: ResolveHost;

  constructor(config: CallbackConfig, resolve: ResolveHost) {
    this.#config = config;
    this.#resolve = resolve;
  }

  async save(taskId: string, context: ServerCallContext, config: TaskPushNotificationConfig): Promise<void> {
    await asA2a(async () => {
      const url = checkCallbackUrl(config.url, this.#config, field);
      await resolveCallbackTarget(url, this.#config, this.#resolve, field);
    });
    await this.#inner.save(taskId, context, config);
  }

  load(taskId: string, context: ServerCallContext): Promise<TaskPushNotificationConfig[]> {
    return this.#inner.load(taskId, context);
  }

  loadWithMetadata(taskId: string, context: ServerCallContext): Promise<StoredPushNotificationConfig[]> {
    return this.#inner.loadWithMetadata(taskId, context);
  }

  delete(taskId: string, context: ServerCallContext, configId?: string): Promise<void> {
    return this.#inner.delete(taskId, context, configId);
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
  readonly #store: PushNotificationStore;
  readonly #sender: CallbackSender;
  readonly #logger: Logger;
  readonly #chains = new Map<string, Promise<void>>();
  readonly #serializers: Readonly<Record<string, PushNotificationSerializer>> = {
    '1.0': new V1PushNotificationSerializer(),
    '0.3': new V03PushNotificationSerializer(),
  };

  constructor(store: PushNotificationStore, sender: CallbackSender, logger: Logger) {
    this.#store = store;
    this.#sender = sender;
    this.#logger = logger;
  }

  async send(response: StreamResponse, context: ServerCallContext, task?: Task): Promise<void> {
    const taskId = taskIdOf(response);
    if (taskId === '') return;
    const stored = (await this.#store.loadWithMetadata?.(taskId, context)) ?? [];
    if (stored.length === 0) return;
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
