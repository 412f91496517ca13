import { Role } from '@a2a-js/sdk';
import type { AgentCard, StreamResponse } from '@a2a-js/sdk';
import { ClientFactory, DefaultAgentCardResolver, JsonRpcTransportFactory } from '@a2a-js/sdk/client';
import type { Client, RequestOptions } from '@a2a-js/sdk/client';
import { headers } from '@kubently/protocol';
import type { AgentRequestMetadata } from '@kubently/protocol';

import type { Connection } from '../config/index.js';
import { KubentlyError } from '../kubently-error.js';
import { createAgentFetch } from './agent-fetch.js';
import { describeAgentError } from './describe-agent-error.js';

export interface AgentMessage {
  readonly text: string;
  readonly messageId: string;
  /** Continue this conversation; `undefined` starts a new one (the server assigns the id). */
  readonly contextId: string | undefined;
  readonly metadata: AgentRequestMetadata;
}

/** The A2A calls a chat turn makes, bound to one server and API key. */
export interface AgentClient {
  readonly url: string;
  readonly agentName: string;
  streamMessage(message: AgentMessage, signal: AbortSignal): AsyncGenerator<StreamResponse, void, undefined>;
  /** SubscribeToTask: the events of a running task again, starting with its current snapshot. */
  resubscribeTask(taskId: string, signal: AbortSignal): AsyncGenerator<StreamResponse, void, undefined>;
  cancelTask(taskId: string, signal: AbortSignal): Promise<void>;
}

export interface OpenAgentClientOptions {
  readonly connection: Connection;
  readonly fetch: typeof fetch;
  readonly signal: AbortSignal;
}

/**
 * Reads the agent card at `<url>/.well-known/agent-card.json` and builds the SDK's JSON-RPC
 * client from it. The API key travels as `X-API-Key` on every call (service parameters).
 */
export async function openAgentClient(options: OpenAgentClientOptions): Promise<AgentClient> {
  const { connection } = options;
  const agentFetch = createAgentFetch(connection, (input, init) =>
    options.fetch(input, { ...init, signal: init?.signal ?? options.signal }),
  );
  const resolver = new DefaultAgentCardResolver({ fetchImpl: agentFetch });
  const factory = new ClientFactory({
    // The SDK declares its options as a class with only optional fields; a literal is what it reads.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    transports: [new JsonRpcTransportFactory({ fetchImpl: agentFetch })],
    cardResolver: resolver,
  });
  let card: AgentCard;
  let client: Client;
  try {
    card = await resolver.resolve(`${connection.url}/`);
    client = await factory.createFromAgentCard(card);
  } catch (error) {
    if (error instanceof KubentlyError || options.signal.aborted) throw error;
    throw new KubentlyError(
      'internal',
      `could not use the A2A agent card of ${connection.url}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const serviceParameters: Record<string, string> =
    connection.apiKey === undefined ? {} : { [headers.apiKey]: connection.apiKey };
  const requestOptions = (signal: AbortSignal): RequestOptions => ({ signal, serviceParameters });

  return {
    url: connection.url,
    agentName: card.name,
    async *streamMessage(message, signal) {
      const stream = client.sendMessageStream(
        {
          tenant: '',
          message: {
            messageId: message.messageId,
            contextId: message.contextId ?? '',
            taskId: '',
            role: Role.ROLE_USER,
            parts: [
              {
                content: { $case: 'text', value: message.text },
                metadata: undefined,
                filename: '',
                mediaType: 'text/plain',
              },
            ],
            metadata: { ...message.metadata },
            extensions: [],
            referenceTaskIds: [],
          },
          configuration: undefined,
          metadata: undefined,
        },
        requestOptions(signal),
      );
      try {
        yield* stream;
      } catch (error) {
        if (signal.aborted) throw error;
        throw describeAgentError(error, connection.url);
      }
    },
    async *resubscribeTask(taskId, signal) {
      try {
        yield* client.resubscribeTask({ tenant: '', id: taskId }, requestOptions(signal));
      } catch (error) {
        if (signal.aborted) throw error;
        throw describeAgentError(error, connection.url);
      }
    },
    async cancelTask(taskId, signal) {
      try {
        await client.cancelTask({ tenant: '', id: taskId, metadata: undefined }, requestOptions(signal));
      } catch (error) {
        if (signal.aborted) throw error;
        throw describeAgentError(error, connection.url);
      }
    },
  };
}
