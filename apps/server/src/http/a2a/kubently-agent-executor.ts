import type { Message } from '@a2a-js/sdk';
import type {
  AgentExecutionEvent,
  AgentExecutor,
  ExecutionEventBus,
  RequestContext,
} from '@a2a-js/sdk/server';
import { agentRequestMetadataSchema, agentStreamMetadataKey } from '@kubently/protocol';
import type { AgentRequestMetadata } from '@kubently/protocol';

import type { AgentService } from '../../agent/agent-service.js';
import type { ClusterService } from '../../clusters/cluster-service.js';
import type { AgentTaskStore } from '../../state/agent-task-store.js';
import type { Clock } from '../../support/clock.js';
import type { IdGenerator } from '../../support/ids.js';
import type { Logger } from '../../support/logger.js';
import { callerUserOf } from './caller-user.js';
import { TaskPublisher } from './task-publisher.js';

export interface KubentlyAgentExecutorOptions {
  readonly agent: AgentService;
  readonly clusters: ClusterService;
  readonly tasks: AgentTaskStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
}

type Metadata = Readonly<Record<string, unknown>> | undefined;

const textOf = (message: Message): string =>
  message.parts
    .map((part) => (part.content?.$case === 'text' ? part.content.value : ''))
    .join('\n')
    .trim();

/** `clusterId`/`namespace` from request then message metadata (the message wins), flat or under `kubently`. */
const requestMetadataOf = (
  ...sources: Metadata[]
): { ok: true; value: AgentRequestMetadata } | { ok: false; message: string } => {
  const merged: Record<string, unknown> = {};
  for (const source of sources) {
    if (source === undefined) continue;
    const nested = source[agentStreamMetadataKey];
    for (const from of [
      source,
      typeof nested === 'object' && nested !== null ? (nested as Metadata) : undefined,
    ]) {
      if (from === undefined) continue;
      if (from['clusterId'] !== undefined) merged['clusterId'] = from['clusterId'];
      if (from['namespace'] !== undefined) merged['namespace'] = from['namespace'];
    }
  }
  const parsed = agentRequestMetadataSchema.safeParse(merged);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    message: `invalid request metadata: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}; send {"clusterId": "<registered cluster id>", "namespace": "<namespace>"} (both optional)`,
  };
};

/**
 * Bridges the troubleshooting agent to A2A. Every call publishes the task first, so a failure at
 * any point (bad metadata, unknown cluster, no caller, a bug) still ends as a FAILED task with
 * AgentStreamError metadata, never as an empty answer. Cancellation aborts the run's signal,
 * which cancels the model call and stops waiting for the running command.
 */
export class KubentlyAgentExecutor implements AgentExecutor {
  readonly #options: KubentlyAgentExecutorOptions;
  readonly #running = new Map<string, AbortController>();
  readonly #unsubscribe: () => void;

  constructor(options: KubentlyAgentExecutorOptions) {
    this.#options = options;
    // CancelTask that landed on another replica reaches this one through the state backend.
    this.#unsubscribe = options.tasks.onCancelRequested((taskId) => {
      this.#running.get(taskId)?.abort();
    });
  }

  /** True when this replica runs `taskId` now. */
  isRunningHere(taskId: string): boolean {
    return this.#running.has(taskId);
  }

  execute = async (context: RequestContext, bus: ExecutionEventBus): Promise<void> => {
    const { taskId, contextId } = context;
    const { agent, clusters, clock, ids, logger } = this.#options;
    const controller = new AbortController();
    this.#running.set(taskId, controller);
    const relay = {
      publish: (event: AgentExecutionEvent): void => {
        bus.publish(event);
        // SubscribeToTask on another replica listens here; losing an event there is not fatal.
        this.#options.tasks.publishEvent(taskId, event).catch((error: unknown) => {
          logger.debug({ err: error, taskId }, 'task event relay failed');
        });
      },
    };
    const publisher = new TaskPublisher({
      bus: relay,
      taskId,
      contextId,
      now: () => clock.now(),
      newId: () => ids.next(),
    });
    const message = context.userMessage;
    const metadata = requestMetadataOf(context.request.metadata, message.metadata);
    try {
      publisher.start(
        context.task,
        message,
        metadata.ok && metadata.value.clusterId !== undefined
          ? { [agentStreamMetadataKey]: { clusterId: metadata.value.clusterId } }
          : {},
      );
      const user = callerUserOf(context.context);
      if (user === null) {
        publisher.fail({
          type: 'error',
          code: 'internal',
          message: 'the call carries no authenticated caller',
        });
        return;
      }
      if (!metadata.ok) {
        publisher.fail({ type: 'error', code: 'validation_failed', message: metadata.message });
        return;
      }
      const question = textOf(message);
      if (question === '') {
        publisher.fail({
          type: 'error',
          code: 'validation_failed',
          message: 'the message has no text part; send the question as a text part',
        });
        return;
      }
      const { clusterId, namespace } = metadata.value;
      if (clusterId !== undefined) {
        const known = (await clusters.list(user.caller)).map((cluster) => cluster.id);
        if (!known.includes(clusterId)) {
          publisher.fail({
            type: 'error',
            code: 'validation_failed',
            message: `cluster "${clusterId}" is not registered; ${known.length === 0 ? 'no cluster is registered yet' : `registered clusters: ${known.join(', ')}`}`,
          });
          return;
        }
      }
      const last = await agent.run({
        caller: user.caller,
        correlationId: user.correlationId,
        question,
        conversationId: contextId,
        clusterId,
        namespace,
        signal: controller.signal,
        onEvent: (event) => {
          publisher.event(event);
        },
      });
      if (last.type === 'final') publisher.complete(last, clusterId);
      else publisher.fail(last);
    } catch (error) {
      logger.error({ err: error, taskId }, 'A2A task failed');
      publisher.fail({
        type: 'error',
        code: controller.signal.aborted ? 'cancelled' : 'internal',
        message: controller.signal.aborted
          ? 'The request was cancelled.'
          : 'internal error; the server log has the details (search for the task id)',
      });
    } finally {
      this.#running.delete(taskId);
      bus.finished();
    }
  };

  cancelTask = (taskId: string): Promise<void> => {
    this.#running.get(taskId)?.abort();
    return Promise.resolve();
  };

  close(): void {
    this.#unsubscribe();
    for (const controller of this.#running.values()) controller.abort();
  }
}
