import { createHash, timingSafeEqual } from 'node:crypto';

import type { Hono } from 'hono';

import { KubentlyError } from '../../errors/kubently-error.js';
import type { ServerServices } from '../../services.js';
import type { AppEnv } from '../app-env.js';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * `GET /metrics` on the main port, for scrapers that present `Authorization: Bearer
 * <KUBENTLY_METRICS_TOKEN>` (a Prometheus Operator ServiceMonitor's `authorization` or
 * `bearerTokenSecret`). Without a configured token it is not served here: KUBENTLY_METRICS_PORT
 * serves it unauthenticated on a listener of its own (docs/decisions/0004-metrics-exposure.md).
 */
export const registerMetricsRoute = (app: Hono<AppEnv>, services: ServerServices): void => {
  const { metricsToken } = services.config;
  const expected = metricsToken === null ? null : digest(metricsToken);
  app.get('/metrics', async (c) => {
    if (expected === null) {
      throw new KubentlyError(
        'not_found',
        'metrics are not served on this port: set KUBENTLY_METRICS_TOKEN to scrape /metrics here with a bearer token, or KUBENTLY_METRICS_PORT for a listener of their own',
      );
    }
    const header = c.req.header('authorization') ?? '';
    const presented = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (presented === undefined || !timingSafeEqual(digest(presented), expected)) {
      throw new KubentlyError(
        'unauthorized',
        'GET /metrics needs Authorization: Bearer <KUBENTLY_METRICS_TOKEN>',
      );
    }
    const body = await services.telemetry.render();
    return c.body(body, 200, { 'content-type': services.telemetry.contentType });
  });
};
