import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';

import { headers } from '@kubently/protocol';

import type { ServerTracing } from '../telemetry/index.js';
import type { AppEnv } from './app-env.js';

/** A server span per request, continuing the caller's `traceparent` (no-op while tracing is off). */
export const traceRequests = (tracing: ServerTracing) =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (!tracing.isEnabled) {
      await next();
      return;
    }
    await tracing.request(
      c.req.method,
      c.req.header(headers.traceparent),
      () => next(),
      () => {
        const route = routePath(c, -1);
        return { route: route === '*' || route === '/*' ? 'unmatched' : route, status: c.res.status };
      },
    );
  });
