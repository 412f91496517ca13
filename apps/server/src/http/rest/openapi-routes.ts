import type { Hono } from 'hono';

import type { ServerServices } from '../../services.js';
import type { AppEnv } from '../app-env.js';
import { buildOpenApiDocument } from '../openapi/openapi-document.js';

export const registerOpenApiRoute = (app: Hono<AppEnv>, services: ServerServices): void => {
  let document: Record<string, unknown> | undefined;
  app.get('/v1/openapi.json', (c) => c.json((document ??= buildOpenApiDocument(services.config.version))));
};
