import type { Context } from 'hono';

import type { ErrorBody } from '@kubently/protocol';

import { httpStatusOf } from '../errors/http-status.js';
import { isKubentlyError, KubentlyError } from '../errors/kubently-error.js';
import type { Logger } from '../support/logger.js';
import type { AppEnv } from './app-env.js';

const backendRetryAfterSeconds = 5;

/** The one mapping from a thrown error to an HTTP answer `{error:{code,message,details}}`. */
export const errorResponse = (c: Context<AppEnv>, error: unknown, logger: Logger): Response => {
  const known = isKubentlyError(error)
    ? error
    : new KubentlyError(
        'internal',
        'internal error; the server log has the details (search for the correlation id)',
      );
  const status = httpStatusOf(known.code);
  if (!isKubentlyError(error)) {
    logger.error({ err: error, correlationId: c.get('correlationId'), path: c.req.path }, 'unhandled error');
  }
  const body: ErrorBody = {
    error: {
      code: known.code,
      message: known.message,
      ...(known.details === undefined ? {} : { details: { ...known.details } }),
    },
  };
  // Limits say when to come back; the Redis client reconnects within seconds, so a well-behaved
  // client waits that long after backend_unavailable. Clients and proxies read Retry-After.
  const retryAfter =
    known.retryAfterSeconds ??
    known.details?.['retryAfterSeconds'] ??
    (known.code === 'backend_unavailable' ? backendRetryAfterSeconds : undefined);
  if (typeof retryAfter === 'number' && Number.isFinite(retryAfter) && retryAfter >= 0) {
    c.header('retry-after', String(Math.ceil(retryAfter)));
  }
  return c.json(body, status);
};
