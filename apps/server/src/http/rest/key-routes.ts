import type { Hono } from 'hono';

import { createKeyRequestSchema, keyIdentitySchema, rotateKeyRequestSchema } from '@kubently/protocol';
import type { KeyList } from '@kubently/protocol';

import { KubentlyError } from '../../errors/kubently-error.js';
import type { ServerServices } from '../../services.js';
import type { AppEnv } from '../app-env.js';
import { readJson } from '../read-json.js';
import { requireCaller } from '../require-caller.js';

const identityParam = (value: string): string => {
  const parsed = keyIdentitySchema.safeParse(value);
  if (!parsed.success)
    throw new KubentlyError('validation_failed', parsed.error.issues[0]?.message ?? 'invalid identity');
  return parsed.data;
};

/** `/v1/keys`: managed API keys, for admins without a cluster scope (docs/keys.md). */
export const registerKeyRoutes = (app: Hono<AppEnv>, services: ServerServices): void => {
  const { apiKeys, keys, config } = services;

  app.post('/v1/keys', requireCaller(apiKeys, 'keys:manage'), async (c) => {
    const request = await readJson(c, createKeyRequestSchema, config.requestBodyLimitBytes);
    return c.json(await keys.create(request, c.get('caller')), 201);
  });

  app.get('/v1/keys', requireCaller(apiKeys, 'keys:manage'), async (c) => {
    const body: KeyList = { keys: await keys.list(c.get('caller')) };
    return c.json(body);
  });

  app.delete('/v1/keys/:identity', requireCaller(apiKeys, 'keys:manage'), async (c) => {
    await keys.revoke(identityParam(c.req.param('identity')), c.get('caller'));
    return c.body(null, 204);
  });

  app.post('/v1/keys/:identity/rotate', requireCaller(apiKeys, 'keys:manage'), async (c) => {
    const identity = identityParam(c.req.param('identity'));
    // The body is optional: without a content type the server's default overlap applies.
    const request =
      c.req.header('content-type') === undefined
        ? {}
        : await readJson(c, rotateKeyRequestSchema, config.requestBodyLimitBytes);
    return c.json(await keys.rotate(identity, c.get('caller'), request.overlapSeconds));
  });
};
