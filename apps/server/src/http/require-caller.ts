import { createMiddleware } from 'hono/factory';

import type { ApiKeyVerifier } from '../auth/api-key-verifier.js';
import { isAllowed } from '../auth/permissions.js';
import type { Permission } from '../auth/permissions.js';
import { KubentlyError } from '../errors/kubently-error.js';
import type { AppEnv } from './app-env.js';
import { missingKeyMessage, presentedKey, serviceIdentityOf } from './presented-key.js';

/**
 * 401 without a valid key (`X-API-Key` or `Authorization: Bearer`, never saying which part was
 * wrong), 403 for a role without the permission.
 */
export const requireCaller = (apiKeys: ApiKeyVerifier, permission: Permission) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const key = presentedKey((name) => c.req.header(name));
    const header = (name: string): string | undefined => c.req.header(name);
    const caller = key === undefined ? null : await apiKeys.verify(key, serviceIdentityOf(header));
    if (caller === null) throw new KubentlyError('unauthorized', missingKeyMessage);
    if (!isAllowed(caller.role, permission)) {
      throw new KubentlyError(
        'forbidden',
        `role "${caller.role}" lacks permission "${permission}"; use a key with a role that has it (see docs/api.md)`,
        { details: { role: caller.role, permission } },
      );
    }
    c.set('caller', caller);
    await next();
  });
