import type { Hono } from 'hono';

import { auditQuerySchema } from '@kubently/protocol';
import type { AuditList } from '@kubently/protocol';

import { KubentlyError } from '../../errors/kubently-error.js';
import type { ServerServices } from '../../services.js';
import type { AppEnv } from '../app-env.js';
import { requireCaller } from '../require-caller.js';

export const registerAuditRoutes = (app: Hono<AppEnv>, services: ServerServices): void => {
  app.get('/v1/audit', requireCaller(services.apiKeys, 'audit:read'), async (c) => {
    const query = auditQuerySchema.safeParse(c.req.query());
    if (!query.success) {
      const message = query.error.issues.map(
        (issue) => `${issue.path.map(String).join('.') || 'query'}: ${issue.message}`,
      );
      throw new KubentlyError(
        'validation_failed',
        `invalid audit query: ${message.join('; ')} (use clusterId, since=<ISO time>, limit=1..1000)`,
      );
    }
    const { clusterId, since, limit } = query.data;
    const body: AuditList = {
      records: await services.state.audit.query({
        clusterId,
        since: since === undefined ? undefined : Date.parse(since),
        limit,
      }),
    };
    return c.json(body);
  });
};
