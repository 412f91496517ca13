import type { Hono } from 'hono';

import { auditQuerySchema } from '@kubently/protocol';
import type { AuditList } from '@kubently/protocol';

import { canUseCluster, isScoped } from '../../auth/can-see.js';
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
    const caller = c.get('caller');
    const after = since === undefined ? undefined : Date.parse(since);
    // A key limited to some clusters reads only their records: one query per cluster, merged.
    const clusterIds =
      clusterId !== undefined
        ? canUseCluster(caller, clusterId)
          ? [clusterId]
          : []
        : isScoped(caller)
          ? (caller.clusters ?? [])
          : [undefined];
    const found = await Promise.all(
      clusterIds.map((id) => services.state.audit.query({ clusterId: id, since: after, limit })),
    );
    const records = found
      .flat()
      .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
      .slice(0, limit);
    const body: AuditList = { records };
    return c.json(body);
  });
};
