import type { Hono } from 'hono';

import { clusterIdSchema, createClusterRequestSchema } from '@kubently/protocol';
import type { ClusterList } from '@kubently/protocol';

import { KubentlyError } from '../../errors/kubently-error.js';
import type { ServerServices } from '../../services.js';
import type { AppEnv } from '../app-env.js';
import { readJson } from '../read-json.js';
import { requireCaller } from '../require-caller.js';
import { registerDiagnosisRoutes } from './diagnosis-routes.js';
import { registerFanOutDiagnoseRoute } from './fan-out-diagnose.js';

const clusterIdParam = (value: string): string => {
  const parsed = clusterIdSchema.safeParse(value);
  if (!parsed.success)
    throw new KubentlyError('validation_failed', parsed.error.issues[0]?.message ?? 'invalid cluster id');
  return parsed.data;
};

export const registerClusterRoutes = (app: Hono<AppEnv>, services: ServerServices): void => {
  const { apiKeys, clusters, config } = services;

  app.post('/v1/clusters', requireCaller(apiKeys, 'clusters:write'), async (c) => {
    const request = await readJson(c, createClusterRequestSchema, config.requestBodyLimitBytes);
    return c.json(await clusters.create(request.id, c.get('caller')), 201);
  });

  app.get('/v1/clusters', requireCaller(apiKeys, 'clusters:read'), async (c) => {
    const body: ClusterList = { clusters: await clusters.list(c.get('caller')) };
    return c.json(body);
  });

  app.get('/v1/clusters/:id', requireCaller(apiKeys, 'clusters:read'), async (c) =>
    c.json(await clusters.get(clusterIdParam(c.req.param('id')), c.get('caller'))),
  );

  app.delete('/v1/clusters/:id', requireCaller(apiKeys, 'clusters:write'), async (c) => {
    await clusters.remove(clusterIdParam(c.req.param('id')), c.get('caller'));
    return c.body(null, 204);
  });

  app.post('/v1/clusters/:id/token', requireCaller(apiKeys, 'clusters:write'), async (c) =>
    c.json(await clusters.rotateToken(clusterIdParam(c.req.param('id')), c.get('caller'))),
  );

  registerDiagnosisRoutes(app, services);
  registerFanOutDiagnoseRoute(app, services);
};
