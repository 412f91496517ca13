import type { AgentCard } from '@a2a-js/sdk';
import {
  AgentCard as AgentCardMessage,
  A2A_VERSION_HEADER,
  formatSSEErrorEvent,
  formatSSEEvent,
  SSE_HEADERS,
} from '@a2a-js/sdk';
import { A2A_LEGACY_PROTOCOL_VERSION } from '@a2a-js/sdk/compat/v0_3';
import { LegacyJsonRpcTransportHandler } from '@a2a-js/sdk/compat/v0_3/server';
import {
  JsonRpcTransportHandler,
  ServerCallContext,
  STATE_HEADERS_KEY,
  validateVersion,
} from '@a2a-js/sdk/server';
import type { Context, Hono } from 'hono';
import { z } from 'zod';

import { headers } from '@kubently/protocol';
import type { ClusterInfo } from '@kubently/protocol';

import { isAllowed } from '../../auth/permissions.js';
import type { Caller } from '../../auth/api-key-verifier.js';
import { isKubentlyError, KubentlyError } from '../../errors/kubently-error.js';
import { httpStatusOf } from '../../errors/http-status.js';
import type { ServerServices } from '../../services.js';
import type { AppEnv } from '../app-env.js';
import { localOriginOf } from '../source-address.js';
import { missingKeyMessage, presentedKey, serviceIdentityOf } from '../presented-key.js';
import { readJson } from '../read-json.js';
import { createA2aTaskStore } from './a2a-task-store.js';
import { CheckedPushNotificationStore, SignedPushNotificationSender } from './signed-push-notifications.js';
import { jsonRpcCodes, toA2aError } from './a2a-errors.js';
import { a2aPath, agentCardPaths, buildAgentCard, toLegacyAgentCard } from './agent-card.js';
import { callerUserOf, CallerUser } from './caller-user.js';
import { KubentlyAgentExecutor } from './kubently-agent-executor.js';
import { KubentlyRequestHandler } from './kubently-request-handler.js';

/** Where a call's base URL travels to the extended card provider (ServerCallContext state). */
const baseUrlStateKey = 'kubently.baseUrl';

/** Methods that run the agent (and so commands) as the caller: operators and admins only. */
const runMethods: ReadonlySet<string> = new Set([
  'SendMessage',
  'SendStreamingMessage',
  'message/send',
  'message/stream',
]);

type JsonRpcId = string | number | null;

const idOf = (body: unknown): JsonRpcId => {
  if (typeof body !== 'object' || body === null) return null;
  const id = (body as Record<string, unknown>)['id'];
  return typeof id === 'string' || typeof id === 'number' ? id : null;
};

const methodOf = (body: unknown): string | undefined => {
  if (typeof body !== 'object' || body === null) return undefined;
  const method = (body as Record<string, unknown>)['method'];
  return typeof method === 'string' ? method : undefined;
};

const isStream = (value: unknown): value is AsyncGenerator<unknown, void, undefined> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

const isLegacyVersion = (version: string | undefined): boolean =>
  version === undefined || version.trim() === '' || version.trim() === A2A_LEGACY_PROTOCOL_VERSION;

/** An SSE body from a stream of JSON-RPC responses; closing the connection stops reading it. */
const sseResponse = (
  first: unknown,
  iterator: AsyncIterator<unknown, void, undefined>,
  onError: (error: unknown) => unknown,
): Response => {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(formatSSEEvent(first)));
    },
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (next.done === true) {
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(formatSSEEvent(next.value)));
      } catch (error) {
        controller.enqueue(encoder.encode(formatSSEErrorEvent(onError(error))));
        controller.close();
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return new Response(body, { status: 200, headers: { ...SSE_HEADERS } });
};

/** Push configs checked like callback URLs, pushes signed and sent like callbacks. */
const signedPush = (services: ServerServices) => {
  const store = new CheckedPushNotificationStore(services.config.callbacks, services.resolveHost);
  return {
    store,
    sender: new SignedPushNotificationSender(store, services.callbackSender, services.logger),
  };
};

/**
 * A2A (docs/api.md "A2A"): the agent card (public) and JSON-RPC at /a2a for protocol 1.0 and, for
 * requests without `A2A-Version`, 0.3. Callers authenticate with X-API-Key like REST; asking
 * (SendMessage/SendStreamingMessage) needs a role that may run commands.
 */
export const registerA2aRoutes = (app: Hono<AppEnv>, services: ServerServices): void => {
  const { agent, clusters, state, config, apiKeys, logger } = services;
  const executor = new KubentlyAgentExecutor({
    agent,
    clusters,
    tasks: state.tasks,
    clock: services.clock,
    ids: services.ids,
    logger,
  });
  // Never the Host header: a client (or a DNS-rebinding page) must not choose the URLs the card
  // sends other agents to. Beyond loopback KUBENTLY_PUBLIC_URL is required (checkListenConfig).
  const configuredBase = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  const baseUrlOf = (c: Context<AppEnv>): string => config.publicUrl ?? localOriginOf(c) ?? configuredBase;
  const pushNotifications = config.callbacks.secret !== null;
  const cardFor = (baseUrl: string, visible: readonly ClusterInfo[] | null) =>
    buildAgentCard({
      baseUrl,
      version: config.version,
      mode: agent.mode,
      hasDiagnose: agent.hasDiagnose,
      clusters: visible,
      pushNotifications,
    });
  /** The extended card names the clusters the caller may use; the routes only build contexts for callers. */
  const extendedCard = async (context: ServerCallContext): Promise<AgentCard> => {
    const caller = callerUserOf(context);
    if (caller === null) throw new KubentlyError('unauthorized', 'the extended agent card needs an API key');
    const baseUrl = context.state.get(baseUrlStateKey);
    return cardFor(
      typeof baseUrl === 'string' ? baseUrl : (config.publicUrl ?? configuredBase),
      await clusters.list(caller.caller),
    );
  };
  // The handler's card only decides versions and capabilities, which do not change at run time.
  const handler = new KubentlyRequestHandler(
    buildAgentCard({
      baseUrl: '',
      version: config.version,
      mode: agent.mode,
      hasDiagnose: agent.hasDiagnose,
      clusters: null,
      pushNotifications,
    }),
    createA2aTaskStore(state.tasks),
    executor,
    state.tasks,
    extendedCard,
    pushNotifications ? signedPush(services) : undefined,
  );
  const transport = new JsonRpcTransportHandler(handler);
  const legacyTransport = new LegacyJsonRpcTransportHandler(handler);

  for (const path of agentCardPaths) {
    app.get(path, (c) => {
      const card = cardFor(baseUrlOf(c), null);
      c.header('cache-control', 'no-cache');
      c.header('vary', A2A_VERSION_HEADER);
      return c.json(
        isLegacyVersion(c.req.header(A2A_VERSION_HEADER))
          ? toLegacyAgentCard(card)
          : AgentCardMessage.toJSON(card),
      );
    });
  }

  app.post(a2aPath, async (c) => {
    const requestedVersion = c.req.header(A2A_VERSION_HEADER);
    const legacy = isLegacyVersion(requestedVersion);
    const mapError = (error: unknown) =>
      legacy
        ? LegacyJsonRpcTransportHandler.mapToLegacyJSONRPCError(toA2aError(error))
        : JsonRpcTransportHandler.mapToJSONRPCError(toA2aError(error));
    const rpcError = (
      status: 200 | 400 | 401 | 403 | 413 | 415 | 500 | 503,
      id: JsonRpcId,
      code: number,
      message: string,
    ) => c.json({ jsonrpc: '2.0', id, error: { code, message } }, status);

    let body: unknown;
    try {
      body = await readJson(c, z.unknown(), config.requestBodyLimitBytes);
    } catch (error) {
      if (!isKubentlyError(error)) throw error;
      const status = httpStatusOf(error.code);
      return rpcError(
        status === 413 || status === 415 ? status : 400,
        null,
        error.code === 'bad_request' ? jsonRpcCodes.parseError : jsonRpcCodes.invalidRequest,
        error.message,
      );
    }
    const id = idOf(body);
    const key = presentedKey((name) => c.req.header(name));
    let caller: Caller | null;
    try {
      caller =
        key === undefined
          ? null
          : await apiKeys.verify(
              key,
              serviceIdentityOf((name) => c.req.header(name)),
            );
    } catch (error) {
      if (isKubentlyError(error) && error.code === 'forbidden') {
        return c.json(
          {
            jsonrpc: '2.0',
            id,
            error: { code: -32001, message: error.message, data: { code: 'forbidden', ...error.details } },
          },
          403,
        );
      }
      if (!isKubentlyError(error) || error.code !== 'rate_limited') throw error;
      return c.json(
        {
          jsonrpc: '2.0',
          id,
          error: { code: -32001, message: error.message, data: { code: 'rate_limited', ...error.details } },
        },
        429,
        { 'retry-after': String(error.retryAfterSeconds ?? 1) },
      );
    }
    if (caller === null) {
      return rpcError(401, id, jsonRpcCodes.invalidRequest, `unauthorized: ${missingKeyMessage}`);
    }
    const method = methodOf(body);
    if (method !== undefined && runMethods.has(method) && !isAllowed(caller.role, 'commands:run')) {
      return rpcError(
        403,
        id,
        jsonRpcCodes.invalidRequest,
        `forbidden: role "${caller.role}" may not ask the agent, because the agent runs commands as its caller; use an operator or admin key`,
      );
    }
    if (services.isShuttingDown()) {
      return rpcError(
        503,
        id,
        jsonRpcCodes.internal,
        'shutting_down: the server is stopping; retry on another replica',
      );
    }
    const requestHeaders: Record<string, string> = {};
    c.req.raw.headers.forEach((value, name) => {
      if (name !== headers.apiKey && name !== 'authorization') requestHeaders[name] = value;
    });
    const context = new ServerCallContext({
      user: new CallerUser(caller, c.get('correlationId')),
      ...(requestedVersion === undefined ? {} : { requestedVersion }),
      state: new Map<string, unknown>([
        [STATE_HEADERS_KEY, requestHeaders],
        [baseUrlStateKey, baseUrlOf(c)],
      ]),
    });
    try {
      validateVersion(context.requestedVersion, await handler.getAgentCard(), 'JSONRPC');
    } catch (error) {
      return c.json({ jsonrpc: '2.0', id, error: mapError(error) });
    }
    const answer = await (legacy ? legacyTransport : transport).handle(
      body as Record<string, unknown>,
      context,
    );
    if (!isStream(answer)) return c.json(answer as object);
    const iterator = answer[Symbol.asyncIterator]();
    let first: IteratorResult<unknown, void>;
    try {
      first = await iterator.next();
    } catch (error) {
      // Nothing was streamed yet: a plain JSON-RPC error, never an empty 200.
      return c.json({ jsonrpc: '2.0', id, error: mapError(error) });
    }
    if (first.done === true) {
      return c.json({
        jsonrpc: '2.0',
        id,
        error: mapError(new KubentlyError('internal', 'the stream ended before its first event')),
      });
    }
    return sseResponse(first.value, iterator, (error) => {
      logger.warn({ err: error, correlationId: c.get('correlationId') }, 'A2A stream failed');
      return { jsonrpc: '2.0', id, error: mapError(error) };
    });
  });
};
