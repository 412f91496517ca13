import { createMiddleware } from 'hono/factory';

import { headers } from '@kubently/protocol';

import type { IdGenerator } from '../support/ids.js';
import type { AppEnv } from './app-env.js';

const acceptable = /^[A-Za-z0-9._:-]{1,128}$/;

/** Takes the caller's X-Correlation-ID (or makes one), echoes it, and exposes it to handlers. */
export const correlation = (ids: IdGenerator) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const given = c.req.header(headers.correlationId);
    const correlationId = given !== undefined && acceptable.test(given) ? given : ids.next();
    c.set('correlationId', correlationId);
    c.header(headers.correlationId, correlationId);
    await next();
  });
