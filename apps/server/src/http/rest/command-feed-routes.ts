import type { Hono } from 'hono';

import { commandCheckRequestSchema, commandFeedQuerySchema } from '@kubently/protocol';
import type { CommandFeedEvent } from '@kubently/protocol';

import { canSee } from '../../auth/can-see.js';
import type { Caller } from '../../auth/api-key-verifier.js';
import type { CommandFeedNotice } from '../../commands/command-feed.js';
import { KubentlyError } from '../../errors/kubently-error.js';
import type { ServerServices } from '../../services.js';
import type { AppEnv } from '../app-env.js';
import { readJson } from '../read-json.js';
import { requireCaller } from '../require-caller.js';

const encoder = new TextEncoder();

/** Frames one feed stream may hold for a reader that does not read. */
const maxQueuedFrames = 1000;

const frame = (event: CommandFeedEvent): string =>
  event.type === 'command'
    ? `id: ${event.record.id}\nevent: command\ndata: ${JSON.stringify(event)}\n\n`
    : `event: gap\ndata: ${JSON.stringify(event)}\n\n`;

/**
 * What a caller may see of the feed: as for a command itself, an admin sees everyone's commands
 * and anyone else only their own, in either case only on clusters inside the key's scope.
 */
const visibleTo =
  (caller: Caller, clusterId: string | undefined) =>
  (notice: CommandFeedNotice): boolean =>
    notice.type === 'gap' ||
    (canSee(caller, notice.record.identity, notice.record.clusterId) &&
      (clusterId === undefined || notice.record.clusterId === clusterId));

/**
 * `POST /v1/commands/check` (the policy's verdict without running) and `GET /v1/commands/stream`
 * (the live command feed, SSE). Registered before `/v1/commands/:id`.
 */
export const registerCommandFeedRoutes = (app: Hono<AppEnv>, services: ServerServices): void => {
  const { apiKeys, config } = services;

  app.post('/v1/commands/check', requireCaller(apiKeys, 'commands:run'), async (c) => {
    const request = await readJson(c, commandCheckRequestSchema, config.requestBodyLimitBytes);
    return c.json(
      await services.commandCheck.check({
        clusterId: request.clusterId,
        args: request.args,
        command: request.command,
        namespace: request.namespace,
        caller: c.get('caller'),
      }),
    );
  });

  app.get('/v1/commands/stream', requireCaller(apiKeys, 'commands:read'), async (c) => {
    const query = commandFeedQuerySchema.safeParse(c.req.query());
    if (!query.success) {
      throw new KubentlyError(
        'validation_failed',
        `invalid command feed query: ${query.error.issues.map((issue) => issue.message).join('; ')} (use clusterId=<cluster id> or nothing)`,
      );
    }
    const isVisible = visibleTo(c.get('caller'), query.data.clusterId);
    let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
    let isOpen = true;
    const write = (text: string): void => {
      if (!isOpen || controller === undefined) return;
      // A reader that stops reading would make the server hold every frame: past the bound the
      // stream ends, and the client reconnects (the backlog replays what it missed).
      if ((controller.desiredSize ?? 0) < -maxQueuedFrames) {
        end();
        return;
      }
      try {
        controller.enqueue(encoder.encode(text));
      } catch {
        isOpen = false;
      }
    };
    const end = (): void => {
      if (!isOpen) return;
      isOpen = false;
      try {
        controller?.close();
      } catch {
        // Already cancelled by the reader.
      }
    };
    const subscription = await services.commandFeed.subscribe((notice) => {
      if (isVisible(notice)) write(frame(notice));
    }, end);
    const keepalive = setInterval(() => {
      write(`: keepalive ${new Date(services.clock.now()).toISOString()}\n\n`);
    }, config.keepaliveSeconds * 1000);
    keepalive.unref();
    const release = (): void => {
      clearInterval(keepalive);
      subscription.close();
      end();
    };
    const stream = new ReadableStream<Uint8Array>({
      start: (streamController) => {
        controller = streamController;
        write(': connected\n\n');
        for (const record of subscription.backlog) {
          const notice = { type: 'command', record } as const;
          if (isVisible(notice)) write(frame(notice));
        }
      },
      cancel: release,
    });
    c.req.raw.signal.addEventListener('abort', release, { once: true });
    return new Response(stream, {
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no',
        'x-correlation-id': c.get('correlationId'),
      },
    });
  });
};
