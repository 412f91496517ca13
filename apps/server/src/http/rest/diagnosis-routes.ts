import type { Hono } from 'hono';

import { clusterIdSchema, diagnoseRequestSchema } from '@kubently/protocol';
import type { DiagnoseRequest } from '@kubently/protocol';

import { KubentlyError } from '../../errors/kubently-error.js';
import type { ServerServices } from '../../services.js';
import type { AppEnv } from '../app-env.js';
import { readJson } from '../read-json.js';
import { requireCaller } from '../require-caller.js';

/**
 * `POST /v1/clusters/:id/diagnose`: collects a snapshot through the cluster's executor as the
 * caller and answers the report. Same role rule as running commands (`commands:run`). An empty
 * request (no body) diagnoses the whole cluster.
 */
export const registerDiagnosisRoutes = (app: Hono<AppEnv>, services: ServerServices): void => {
  const { apiKeys, config } = services;

  app.post('/v1/clusters/:id/diagnose', requireCaller(apiKeys, 'commands:run'), async (c) => {
    const id = clusterIdSchema.safeParse(c.req.param('id'));
    if (!id.success)
      throw new KubentlyError('validation_failed', id.error.issues[0]?.message ?? 'invalid cluster id');
    const hasBody =
      c.req.header('content-type') !== undefined || (c.req.header('content-length') ?? '0') !== '0';
    const request: DiagnoseRequest = hasBody
      ? await readJson(c, diagnoseRequestSchema, config.requestBodyLimitBytes)
      : {};
    const { report, collection } = await services.diagnosis.diagnose({
      clusterId: id.data,
      namespaces: request.namespaces,
      minSeverity: request.minSeverity,
      include: request.include,
      caller: c.get('caller'),
      correlationId: c.get('correlationId'),
      signal: c.req.raw.signal,
    });
    // Shaped as diagnoseResponseSchema (the REST tests parse every answer with it).
    return c.json({ clusterId: id.data, ...report, collection });
  });
};
