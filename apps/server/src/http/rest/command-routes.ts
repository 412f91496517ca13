import type { Hono } from 'hono';
import { z } from 'zod';

import { commandLimits, commandRequestSchema, headers } from '@kubently/protocol';

import { toCommandResponse } from '../../commands/command-response.js';
import { KubentlyError } from '../../errors/kubently-error.js';
import type { ServerServices } from '../../services.js';
import type { AppEnv } from '../app-env.js';
import { parseBody, readJson } from '../read-json.js';
import { requireCaller } from '../require-caller.js';
import { runCommandFanOut } from './fan-out-commands.js';

const jsonObjectSchema = z.record(z.string(), z.unknown(), {
  message: 'send a JSON object, e.g. {"clusterId":"prod","args":["get","pods"]}',
});

const parseWait = (value: string | undefined): boolean => {
  if (value === undefined || value === 'true' || value === '') return true;
  if (value === 'false') return false;
  throw new KubentlyError('validation_failed', `wait must be "true" or "false" (got "${value}")`);
};

/** `X-Request-Timeout: <seconds>` (1..300) bounds how long this call waits for the result. */
const parseRequestTimeout = (value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const seconds = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > commandLimits.maxTimeoutSeconds) {
    throw new KubentlyError(
      'validation_failed',
      `X-Request-Timeout must be whole seconds from 1 to ${commandLimits.maxTimeoutSeconds} (got "${value}")`,
    );
  }
  return seconds;
};

export const registerCommandRoutes = (app: Hono<AppEnv>, services: ServerServices): void => {
  const { apiKeys, commands, config } = services;

  app.post('/v1/commands', requireCaller(apiKeys, 'commands:run'), async (c) => {
    const wait = parseWait(c.req.query('wait'));
    const requestTimeoutSeconds = parseRequestTimeout(c.req.header(headers.requestTimeout));
    const body = await readJson(c, jsonObjectSchema, config.requestBodyLimitBytes);
    if ('clusterIds' in body) {
      const fanned = await runCommandFanOut(services, body, {
        caller: c.get('caller'),
        correlationId: c.get('correlationId'),
        wait,
        requestTimeoutSeconds,
        signal: c.req.raw.signal,
      });
      return c.json(fanned.body, fanned.status);
    }
    const request = parseBody(commandRequestSchema, body);
    // A callback makes the command asynchronous: 202 now, the signed result POSTed when it ends.
    const callbackUrl =
      request.callbackUrl === undefined ? undefined : await services.callbacks.accept(request.callbackUrl);
    const waits = wait && callbackUrl === undefined;
    const record = await commands.submit({
      clusterId: request.clusterId,
      args: request.args,
      command: request.command,
      namespace: request.namespace,
      timeoutSeconds: request.timeoutSeconds ?? commandLimits.defaultTimeoutSeconds,
      sessionId: request.sessionId,
      caller: c.get('caller'),
      correlationId: c.get('correlationId'),
      source: 'rest',
      wait: waits,
      requestTimeoutSeconds,
      signal: c.req.raw.signal,
    });
    if (callbackUrl !== undefined) await services.callbacks.register(record, callbackUrl);
    return c.json(toCommandResponse(record), waits ? 200 : 202);
  });

  app.get('/v1/commands/:id', requireCaller(apiKeys, 'commands:read'), async (c) =>
    c.json(toCommandResponse(await commands.get(c.req.param('id'), c.get('caller')))),
  );
};
