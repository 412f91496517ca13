import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';

import type { ServerMetrics } from '../telemetry/index.js';
import type { AppEnv } from './app-env.js';

/** Middleware-only matches (`*`, `/*`): no route answered, so the raw path must not become a label. */
const unmatched = new Set(['*', '/*']);

/** Counts every answered request by method, route pattern (never the raw path) and status. */
export const countRequests = (metrics: ServerMetrics, now: () => number) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const started = now();
    try {
      await next();
    } finally {
      const route = routePath(c, -1);
      metrics.httpRequest({
        method: c.req.method,
        route: unmatched.has(route) ? 'unmatched' : route,
        status: c.res.status,
        durationSeconds: (now() - started) / 1000,
      });
    }
  });
