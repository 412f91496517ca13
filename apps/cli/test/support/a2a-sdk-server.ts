import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
  AGENT_CARD_PATH,
  Role,
  SSE_HEADERS,
  TaskState,
  formatSSEErrorEvent,
  formatSSEEvent,
} from '@a2a-js/sdk';
import type { AgentCard, Message } from '@a2a-js/sdk';
import {
  AgentEvent,
  DefaultRequestHandler,
  InMemoryTaskStore,
  JsonRpcTransportHandler,
  UnauthenticatedUser,
  defaultServerCallContextBuilder,
} from '@a2a-js/sdk/server';
import type { AgentExecutor, ExecutionEventBus, RequestContext } from '@a2a-js/sdk/server';
import { agentStreamMetadataKey, clusterListSchema } from '@kubently/protocol';
import type { AgentStreamError, AgentStreamEvent, AgentStreamFinal, ClusterInfo } from '@kubently/protocol';

/**
 * A real A2A peer built from the SDK's own server parts (DefaultRequestHandler, InMemoryTaskStore,
 * JsonRpcTransportHandler) on node:http, with a scripted agent that publishes the Kubently stream
 * contract (packages/protocol agent-stream.ts). It also answers `GET /v1/clusters` the way the
 * Kubently server does, because `debug`/`ask` check the cluster there first.
 */
export type ScriptStep =
  | { readonly type: 'event'; readonly event: AgentStreamEvent }
  /** Metadata that is not an AgentStreamEvent: the client must ignore it. */
  | { readonly type: 'raw-metadata'; readonly metadata: Record<string, unknown> }
  | { readonly type: 'sleep'; readonly ms: number }
  | { readonly type: 'answer'; readonly text: string; readonly final: AgentStreamFinal }
  | { readonly type: 'fail'; readonly error: AgentStreamError };

export interface ReceivedMessage {
  readonly text: string;
  readonly contextId: string;
  readonly taskId: string;
  readonly metadata: unknown;
}

export interface ScriptedA2aServer {
  readonly url: string;
  readonly received: ReceivedMessage[];
  readonly canceled: string[];
  close(): Promise<void>;
}

export interface ScriptedA2aServerOptions {
  readonly apiKey: string;
  readonly clusters: readonly Pick<ClusterInfo, 'id' | 'connected'>[];
  readonly script: (message: ReceivedMessage) => readonly ScriptStep[];
  /** Cut the connection of the first SendStreamingMessage after this many events (a dropped stream). */
  readonly dropFirstStreamAfter?: number;
}

const nowIso = (): string => new Date().toISOString();

function statusUpdate(
  context: RequestContext,
  state: TaskState,
  metadata: Record<string, unknown> | undefined,
  text?: string,
): ReturnType<typeof AgentEvent.statusUpdate> {
  const message: Message | undefined =
    text === undefined
      ? undefined
      : {
          messageId: `${context.taskId}-status`,
          contextId: context.contextId,
          taskId: context.taskId,
          role: Role.ROLE_AGENT,
          parts: [
            {
              content: { $case: 'text', value: text },
              metadata: undefined,
              filename: '',
              mediaType: 'text/plain',
            },
          ],
          metadata: undefined,
          extensions: [],
          referenceTaskIds: [],
        };
  return AgentEvent.statusUpdate({
    taskId: context.taskId,
    contextId: context.contextId,
    status: { state, message, timestamp: nowIso() },
    metadata,
  });
}

class ScriptedExecutor implements AgentExecutor {
  readonly #cancelRequested = new Set<string>();
  readonly #wakers = new Map<string, () => void>();

  constructor(
    private readonly options: ScriptedA2aServerOptions,
    private readonly received: ReceivedMessage[],
    private readonly canceled: string[],
  ) {}

  execute = async (context: RequestContext, bus: ExecutionEventBus): Promise<void> => {
    const user = context.userMessage;
    const message: ReceivedMessage = {
      text: user.parts.map((part) => (part.content?.$case === 'text' ? part.content.value : '')).join(''),
      contextId: context.contextId,
      taskId: context.taskId,
      metadata: user.metadata,
    };
    this.received.push(message);
    bus.publish(
      AgentEvent.task({
        id: context.taskId,
        contextId: context.contextId,
        status: { state: TaskState.TASK_STATE_SUBMITTED, message: undefined, timestamp: nowIso() },
        artifacts: [],
        history: [user],
        metadata: undefined,
      }),
    );
    const kubently = (value: unknown): Record<string, unknown> => ({ [agentStreamMetadataKey]: value });
    for (const step of this.options.script(message)) {
      if (this.#cancelRequested.has(context.taskId)) break;
      switch (step.type) {
        case 'event':
          bus.publish(statusUpdate(context, TaskState.TASK_STATE_WORKING, kubently(step.event)));
          break;
        case 'raw-metadata':
          bus.publish(statusUpdate(context, TaskState.TASK_STATE_WORKING, step.metadata));
          break;
        case 'sleep':
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, step.ms);
            this.#wakers.set(context.taskId, () => {
              clearTimeout(timer);
              resolve();
            });
          });
          break;
        case 'answer':
          bus.publish(
            AgentEvent.artifactUpdate({
              taskId: context.taskId,
              contextId: context.contextId,
              artifact: {
                artifactId: 'answer',
                name: 'answer',
                description: '',
                parts: [
                  {
                    content: { $case: 'text', value: step.text },
                    metadata: undefined,
                    filename: '',
                    mediaType: 'text/markdown',
                  },
                ],
                metadata: kubently(step.final),
                extensions: [],
              },
              append: false,
              lastChunk: true,
              metadata: undefined,
            }),
          );
          bus.publish(statusUpdate(context, TaskState.TASK_STATE_COMPLETED, undefined));
          bus.finished();
          return;
        case 'fail':
          bus.publish(
            statusUpdate(context, TaskState.TASK_STATE_FAILED, kubently(step.error), step.error.message),
          );
          bus.finished();
          return;
      }
    }
    if (this.#cancelRequested.has(context.taskId)) {
      bus.publish(
        statusUpdate(
          context,
          TaskState.TASK_STATE_CANCELED,
          kubently({ type: 'error', code: 'cancelled', message: 'canceled by the client' }),
        ),
      );
    } else {
      bus.publish(statusUpdate(context, TaskState.TASK_STATE_COMPLETED, undefined));
    }
    bus.finished();
  };

  cancelTask = (taskId: string): Promise<void> => {
    this.canceled.push(taskId);
    this.#cancelRequested.add(taskId);
    this.#wakers.get(taskId)?.();
    return Promise.resolve();
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

export async function startScriptedA2aServer(options: ScriptedA2aServerOptions): Promise<ScriptedA2aServer> {
  const received: ReceivedMessage[] = [];
  const canceled: string[] = [];
  let url = '';
  const card = (): AgentCard => ({
    name: 'Scripted Kubently',
    description: 'A scripted agent for CLI tests',
    supportedInterfaces: [
      { url: `${url}/a2a`, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: '1.0' },
    ],
    provider: undefined,
    version: '0.0.0-test',
    capabilities: { streaming: true, pushNotifications: false, extensions: [], extendedAgentCard: false },
    securitySchemes: {},
    securityRequirements: [],
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/markdown'],
    skills: [],
    signatures: [],
  });
  const executor = new ScriptedExecutor(options, received, canceled);
  const handler = new DefaultRequestHandler(card(), new InMemoryTaskStore(), executor);
  const transport = new JsonRpcTransportHandler(handler);
  const dropsLeft = options.dropFirstStreamAfter === undefined ? [] : [options.dropFirstStreamAfter];
  const unauthorized = { error: { code: 'unauthorized', message: 'missing or invalid API key' } };

  const server = createServer((request, response) => {
    void (async () => {
      const path = (request.url ?? '/').split('?')[0];
      if (request.method === 'GET' && path === `/${AGENT_CARD_PATH}`) {
        sendJson(response, 200, card());
        return;
      }
      const apiKey = request.headers['x-api-key'];
      if (apiKey !== options.apiKey) {
        sendJson(response, 401, unauthorized);
        return;
      }
      if (request.method === 'GET' && path === '/v1/clusters') {
        const clusters = options.clusters.map((cluster) => ({
          id: cluster.id,
          connected: cluster.connected,
          createdAt: '2026-11-24T00:00:00.000Z',
          executors: cluster.connected ? 1 : 0,
          lastSeenAt: null,
          mode: null,
          executorVersion: null,
          kubectlVersion: null,
          kubernetesVersion: null,
        }));
        sendJson(response, 200, clusterListSchema.parse({ clusters }));
        return;
      }
      if (request.method !== 'POST' || path !== '/a2a') {
        sendJson(response, 404, { error: { code: 'not_found', message: `no route ${path}` } });
        return;
      }
      const body = JSON.parse(await readBody(request)) as Record<string, unknown>;
      const context = defaultServerCallContextBuilder({
        extensions: undefined,
        user: new UnauthenticatedUser(),
        headers: request.headers,
        ...(typeof request.headers['a2a-version'] === 'string'
          ? { requestedVersion: request.headers['a2a-version'] }
          : {}),
      });
      const result = await transport.handle(body, context);
      if (Symbol.asyncIterator in result) {
        response.writeHead(200, SSE_HEADERS);
        const dropAfter = body['method'] === 'SendStreamingMessage' ? dropsLeft.shift() : undefined;
        let written = 0;
        try {
          for await (const event of result) {
            if (written === dropAfter) {
              response.destroy();
              return;
            }
            // Flushed one by one, so a drop loses nothing already sent.
            await new Promise<void>((resolve) =>
              response.write(formatSSEEvent(event), () => {
                resolve();
              }),
            );
            written += 1;
          }
        } catch (error) {
          response.write(
            formatSSEErrorEvent({
              jsonrpc: '2.0',
              id: (body['id'] as number | string | null | undefined) ?? null,
              error: JsonRpcTransportHandler.mapToJSONRPCError(error),
            }),
          );
        }
        response.end();
        return;
      }
      sendJson(response, 200, result);
    })().catch((error: unknown) => {
      if (!response.headersSent)
        sendJson(response, 500, { error: { code: 'internal', message: String(error) } });
      else response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    canceled,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
