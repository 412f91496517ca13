import type { Hono } from 'hono';

import type { Health } from '@kubently/protocol';

import type { ServerServices } from '../../services.js';
import type { AppEnv } from '../app-env.js';

/** `/healthz`: the process answers. `/readyz`: the state backend answers and we are not shutting down. */
export const registerHealthRoutes = (app: Hono<AppEnv>, services: ServerServices): void => {
  const { version } = services.config;

  app.get('/healthz', (c) => c.json({ status: 'ok', version } satisfies Health));

  app.get('/readyz', async (c) => {
    const checks: NonNullable<Health['checks']> = {};
    try {
      await services.state.ping();
      checks['state'] = { ok: true, message: services.state.kind };
    } catch (error) {
      checks['state'] = { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
    checks['shutdown'] = services.isShuttingDown() ? { ok: false, message: 'shutting down' } : { ok: true };
    const ok = Object.values(checks).every((check) => check.ok);
    const body: Health = { status: ok ? 'ok' : 'unavailable', version, checks };
    return c.json(body, ok ? 200 : 503);
  });

  // Seed alias: the original API answered `{status: "healthy"}`.
  app.get('/health', (c) => c.json({ status: 'healthy', version }));
};
