import type { BlockList } from 'node:net';

import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';

import { headers } from '@kubently/protocol';

import type { AuthFailureGuard, AuthSurface } from '../auth/auth-failure-guard.js';
import type { ServerMetrics } from '../telemetry/index.js';
import { KubentlyError } from '../errors/kubently-error.js';
import type { AppEnv } from './app-env.js';
import { sourceAddressOf, sourceKeyOf } from './source-address.js';

const surfaceOf = (path: string): AuthSurface => {
  if (path === '/a2a') return 'a2a';
  if (path === '/mcp') return 'mcp';
  if (path.startsWith('/v1/executor/') || path.startsWith('/executor/')) return 'executor';
  if (path.startsWith('/debug/')) return 'seed';
  return 'rest';
};

const presentsCredential = (c: Context): boolean =>
  (c.req.header(headers.apiKey) ?? '') !== '' || (c.req.header(headers.authorization) ?? '') !== '';

/** JSON-RPC surfaces get a JSON-RPC error body; REST-shaped ones the usual `{error}` (via onError). */
const blockedJsonRpc = (c: Context, message: string, retryAfterSeconds: number): Response =>
  c.json(
    {
      jsonrpc: '2.0',
      id: null,
      error: { code: -32001, message, data: { code: 'rate_limited', retryAfterSeconds } },
    },
    429,
    { 'retry-after': String(retryAfterSeconds) },
  );

/**
 * Every 401 any surface answers is a failed authentication: logged (rate-limited, with the source
 * address) and counted per source. A source past the limit is refused with 429 and Retry-After
 * before its credential is even looked at. Requests without any credential (health probes, the
 * public agent card) are never refused, so a blocked address still passes its probes.
 */
export const guardAuthentication = (
  guard: AuthFailureGuard,
  trustedProxies: BlockList,
  metrics?: ServerMetrics,
) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const presented = presentsCredential(c);
    const source = sourceAddressOf(c, trustedProxies);
    const key = sourceKeyOf(source);
    const surface = surfaceOf(c.req.path);
    if (presented) {
      const wait = guard.blockedFor(key);
      if (wait !== null) {
        metrics?.limitRefused({ limit: 'authFailures', code: 'rate_limited' });
        const message = `too many failed authentication attempts from ${source}; retry in ${wait} s. If ${source} is a proxy in front of Kubently, list it in KUBENTLY_TRUSTED_PROXIES so clients are told apart`;
        if (surface === 'a2a' || surface === 'mcp') return blockedJsonRpc(c, message, wait);
        throw new KubentlyError('rate_limited', message, {
          details: { limit: 'authFailures', retryAfterSeconds: wait },
        });
      }
    }
    await next();
    if (c.res.status !== 401) return;
    guard.failed({
      source: key,
      surface,
      reason: presented ? 'invalid' : 'missing',
      method: c.req.method,
      path: c.req.path,
      correlationId: c.get('correlationId'),
    });
  });
