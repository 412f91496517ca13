import type { Hono } from 'hono';

import { createSessionRequestSchema } from '@kubently/protocol';

import type { ServerServices } from '../../services.js';
import type { AppEnv } from '../app-env.js';
import { readJson } from '../read-json.js';
import { requireCaller } from '../require-caller.js';

export const registerSessionRoutes = (app: Hono<AppEnv>, services: ServerServices): void => {
  const { apiKeys, sessions, config } = services;

  app.post('/v1/sessions', requireCaller(apiKeys, 'sessions:write'), async (c) => {
    const request = await readJson(c, createSessionRequestSchema, config.requestBodyLimitBytes);
    const session = await sessions.open({
      clusterId: request.clusterId,
      ttlSeconds: request.ttlSeconds,
      correlationId: request.correlationId ?? c.get('correlationId'),
      caller: c.get('caller'),
    });
    return c.json(session, 201);
  });

  app.get('/v1/sessions/:id', requireCaller(apiKeys, 'sessions:read'), async (c) =>
    c.json(await sessions.get(c.req.param('id'), c.get('caller'))),
  );

  app.delete('/v1/sessions/:id', requireCaller(apiKeys, 'sessions:write'), async (c) => {
    await sessions.close(c.req.param('id'), c.get('caller'));
    return c.body(null, 204);
  });
};
