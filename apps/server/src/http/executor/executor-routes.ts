import type { Hono } from 'hono';
import { z } from 'zod';

import { commandResultSchema, executorCapabilitiesSchema, headers, streamDefaults } from '@kubently/protocol';
import type { ConnectedFrame, ExecutorFrame, LongPollResponse } from '@kubently/protocol';

import { KubentlyError } from '../../errors/kubently-error.js';
import type { ExecutorIdentity } from '../../executors/executor-identity.js';
import type { ServerServices } from '../../services.js';
import { isoAt } from '../../support/clock.js';
import type { AppEnv } from '../app-env.js';
import { readJson } from '../read-json.js';
import { requireExecutor } from '../require-executor.js';
import { PollLink } from './poll-link.js';
import { SseLink } from './sse-link.js';
import type { SseDialect } from './sse-dialect.js';
import { v1Dialect } from './sse-dialect.js';

const pollQuerySchema = z.object({
  wait: z.coerce
    .number({ message: 'wait must be a number of seconds, e.g. wait=20' })
    .int({ message: 'wait must be whole seconds' })
    .min(0, { message: 'wait must be at least 0' })
    .max(streamDefaults.longPollMaxWaitSeconds, {
      message: `wait must be at most ${streamDefaults.longPollMaxWaitSeconds}`,
    })
    .default(20),
});

export const sseHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
} as const;

/**
 * Opens an SSE link for the authenticated executor and hands it to the hub (relay-wire "SSE"). The
 * answer starts only once the hub has recorded the executor's presence, so a capabilities report
 * sent as soon as the stream opens finds the link live, on any replica.
 */
export const openStream = async (
  services: ServerServices,
  executor: ExecutorIdentity,
  dialect: SseDialect,
  lastEventId: string | undefined,
): Promise<Response> => {
  const { hub, clock, logger, config } = services;
  const connected: ConnectedFrame = {
    type: 'connected',
    clusterId: executor.clusterId,
    executorId: executor.executorId,
    serverVersion: config.version,
    keepaliveSeconds: config.keepaliveSeconds,
    maxResultBytes: config.resultBodyLimitBytes,
  };
  const link = new SseLink({
    clusterId: executor.clusterId,
    executorId: executor.executorId,
    dialect,
    connected,
    keepaliveMs: config.keepaliveSeconds * 1000,
    now: () => isoAt(clock.now()),
    onKeepalive: (open) => {
      hub.seen(open.clusterId, open.executorId);
    },
    onClosed: (closed) => {
      hub.detach(closed);
      logger.info({ clusterId: closed.clusterId, executorId: closed.executorId }, 'executor stream closed');
    },
  });
  logger.info(
    { clusterId: executor.clusterId, executorId: executor.executorId, lastEventId },
    'executor stream opened',
  );
  try {
    await hub.attach(link, lastEventId ?? null);
  } catch (error) {
    logger.error({ err: error, clusterId: executor.clusterId }, 'attaching the executor stream failed');
    link.close();
    throw error;
  }
  return new Response(link.stream, { status: 200, headers: sseHeaders });
};

/**
 * One long-poll turn for an authenticated executor (relay-wire "long-poll"): a link attached to the
 * hub until frames arrive or `wait` seconds pass. Commands in an answer that never reached the
 * executor (the connection closed first) are marked unconfirmed, so its next poll gets them again.
 * `wait` is the raw query value (default 20 s), validated here.
 */
export const pollFrames = async (
  services: ServerServices,
  executor: ExecutorIdentity,
  request: {
    readonly wait: string | undefined;
    readonly lastEventId: string | undefined;
    readonly signal: AbortSignal;
  },
): Promise<ExecutorFrame[]> => {
  const query = pollQuerySchema.safeParse({ wait: request.wait });
  if (!query.success) {
    throw new KubentlyError('validation_failed', query.error.issues.map((issue) => issue.message).join('; '));
  }
  const { clusterId, executorId } = executor;
  const link = new PollLink({
    clusterId,
    executorId,
    waitMs: query.data.wait * 1000,
    onClosed: (closed) => {
      services.hub.detach(closed);
    },
  });
  const { signal } = request;
  const onAbort = (): void => {
    link.close();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await services.hub.attach(link, request.lastEventId ?? null);
    const frames = await link.answer;
    const commandIds = frames.flatMap((frame) => (frame.type === 'command' ? [frame.command.id] : []));
    if (commandIds.length > 0) {
      // The request signal aborts if the connection closes before the answer is fully written.
      const lost = (): void => {
        services.hub.unconfirmed(clusterId, executorId, commandIds);
      };
      if (signal.aborted) lost();
      else signal.addEventListener('abort', lost, { once: true });
    }
    return frames;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
};

export const registerExecutorRoutes = (app: Hono<AppEnv>, services: ServerServices): void => {
  const { config } = services;

  app.get('/v1/executor/stream', requireExecutor(services, 'required'), (c) =>
    openStream(services, c.get('executor'), v1Dialect, c.req.header(headers.lastEventId)),
  );

  app.get('/v1/executor/commands', requireExecutor(services, 'required'), async (c) => {
    const frames = await pollFrames(services, c.get('executor'), {
      wait: c.req.query('wait'),
      lastEventId: c.req.header(headers.lastEventId),
      signal: c.req.raw.signal,
    });
    const answer: LongPollResponse = { frames, maxResultBytes: config.resultBodyLimitBytes };
    return c.json(answer);
  });

  app.post('/v1/executor/capabilities', requireExecutor(services, 'required'), async (c) => {
    const capabilities = await readJson(c, executorCapabilitiesSchema, config.requestBodyLimitBytes);
    await services.clusters.recordCapabilities(c.get('executor'), capabilities);
    return c.body(null, 204);
  });

  app.post('/v1/executor/results', requireExecutor(services, 'required'), async (c) => {
    const result = await readJson(c, commandResultSchema, config.resultBodyLimitBytes);
    const executor = c.get('executor');
    // The record names the executor that authenticated, never the one the body claims.
    return c.json(
      await services.commands.acceptResult(executor, { ...result, executorId: executor.executorId }),
    );
  });
};
