import { createMiddleware } from 'hono/factory';

import { correlationIdSchema, headers } from '@kubently/protocol';

import type { IdGenerator } from '../support/ids.js';
import type { AppEnv } from './app-env.js';

/**
 * Takes the caller's X-Correlation-ID (or makes one when it is absent or not a plain token, see
 * `correlationIdSchema`), echoes it, and exposes it to handlers.
 */
export const correlation = (ids: IdGenerator) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const given = c.req.header(headers.correlationId);
    const correlationId =
      given !== undefined && correlationIdSchema.safeParse(given).success ? given : ids.next();
    c.set('correlationId', correlationId);
    c.header(headers.correlationId, correlationId);
    await next();
  });
