import type { Hono } from 'hono';

import { permissionNames } from '@kubently/protocol';
import type { Whoami } from '@kubently/protocol';

import { isAllowed } from '../../auth/permissions.js';
import type { ServerServices } from '../../services.js';
import type { AppEnv } from '../app-env.js';
import { requireCaller } from '../require-caller.js';

/** `GET /v1/whoami`: the caller as the server sees it (every role; a client shows what it may do). */
export const registerWhoamiRoute = (app: Hono<AppEnv>, services: ServerServices): void => {
  app.get('/v1/whoami', requireCaller(services.apiKeys, 'clusters:read'), (c) => {
    const caller = c.get('caller');
    const body: Whoami = {
      identity: caller.identity,
      role: caller.role,
      clusters: caller.clusters === undefined || caller.clusters === null ? null : [...caller.clusters],
      permissions: permissionNames.filter((permission) => isAllowed(caller.role, permission)),
      ...(caller.serviceIdentity === undefined ? {} : { serviceIdentity: caller.serviceIdentity }),
    };
    return c.json(body);
  });
};
