import type { Hono } from 'hono';

import { findingQuerySchema } from '@kubently/protocol';
import type { FindingList, FindingRecord, FindingView } from '@kubently/protocol';

import { canUseCluster } from '../../auth/can-see.js';
import { KubentlyError } from '../../errors/kubently-error.js';
import type { ServerServices } from '../../services.js';
import { isoAt } from '../../support/clock.js';
import type { AppEnv } from '../app-env.js';
import { requireCaller } from '../require-caller.js';

const viewOf = (record: FindingRecord): FindingView => ({
  ...record,
  firstSeenAt: isoAt(record.firstSeenAt),
  lastSeenAt: isoAt(record.lastSeenAt),
  resolvedAt: record.resolvedAt === null ? null : isoAt(record.resolvedAt),
  missingSince: record.missingSince === null ? null : isoAt(record.missingSince),
});

/** `GET /v1/findings`: the findings history; `GET /v1/findings/dead-letters`: undelivered notices. */
export const registerFindingRoutes = (app: Hono<AppEnv>, services: ServerServices): void => {
  app.get('/v1/findings', requireCaller(services.apiKeys, 'clusters:read'), async (c) => {
    const query = findingQuerySchema.safeParse(c.req.query());
    if (!query.success) {
      const message = query.error.issues.map(
        (issue) => `${issue.path.map(String).join('.') || 'query'}: ${issue.message}`,
      );
      throw new KubentlyError(
        'validation_failed',
        `invalid findings query: ${message.join('; ')} (use cluster=<id>, status=open|resolved|all, limit=1..1000)`,
      );
    }
    const { cluster, status, limit } = query.data;
    const caller = c.get('caller');
    // A cluster out of the key's scope reads as one without findings.
    const records =
      cluster !== undefined && !canUseCluster(caller, cluster)
        ? []
        : await services.state.findings.list({
            clusterId: cluster,
            clusters: caller.clusters ?? null,
            status: status === 'all' ? undefined : status,
            limit,
          });
    const body: FindingList = { findings: records.map(viewOf) };
    return c.json(body);
  });

  app.get('/v1/findings/dead-letters', requireCaller(services.apiKeys, 'audit:read'), async (c) => {
    const letters = await services.state.findings.deadLetters(1000);
    const caller = c.get('caller');
    return c.json({
      deadLetters: letters
        .filter((letter) => canUseCluster(caller, letter.clusterId))
        .map((letter) => ({ ...letter, failedAt: isoAt(letter.failedAt) })),
    });
  });
};
