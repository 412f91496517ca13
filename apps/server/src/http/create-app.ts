import { Hono } from 'hono';

import type { Caller } from '../auth/api-key-verifier.js';
import { KubentlyError } from '../errors/kubently-error.js';
import type { ServerServices } from '../services.js';
import type { AppEnv } from './app-env.js';
import { registerA2aRoutes } from './a2a/index.js';
import { guardAuthentication } from './auth-failures.js';
import { correlation } from './correlation.js';
import { countRequests } from './count-requests.js';
import { traceRequests } from './trace-requests.js';
import { errorResponse } from './error-body.js';
import { registerExecutorRoutes } from './executor/index.js';
import { registerMcpRoute } from './mcp/index.js';
import {
  registerAlertmanagerRoutes,
  registerAuditRoutes,
  registerClusterRoutes,
  registerCommandFeedRoutes,
  registerCommandRoutes,
  registerFindingRoutes,
  registerHealthRoutes,
  registerMetricsRoute,
  registerKeyRoutes,
  registerOpenApiRoute,
  registerSessionRoutes,
  registerWhoamiRoute,
} from './rest/index.js';
import { registerSeedRoutes } from './seed/index.js';
import { trustedProxyList } from './source-address.js';
import { registerUiRoutes } from './ui/index.js';

/** The caller is only set on authenticated routes. */
const callerOf = (variables: { caller?: Caller }): Caller | undefined => variables.caller;

/** Builds the HTTP app from its services; no socket, no config reading (tests drive it with `app.request`). */
export const createApp = (services: ServerServices): Hono<AppEnv> => {
  const app = new Hono<AppEnv>();
  const { logger } = services;

  app.use(correlation(services.ids));
  app.use(countRequests(services.telemetry.metrics, () => services.clock.now()));
  app.use(traceRequests(services.tracing));
  app.use(
    guardAuthentication(
      services.authFailures,
      trustedProxyList(services.config.trustedProxies),
      services.telemetry.metrics,
    ),
  );
  app.use(async (c, next) => {
    await next();
    if (logger.isLevelEnabled('debug')) {
      logger.debug(
        {
          correlationId: c.get('correlationId'),
          identity: callerOf(c.var)?.identity,
          method: c.req.method,
          path: c.req.path,
          status: c.res.status,
        },
        'request',
      );
    }
  });
  app.onError((error, c) => errorResponse(c, error, logger));
  app.notFound((c) =>
    errorResponse(
      c,
      new KubentlyError('not_found', `no route for ${c.req.method} ${c.req.path}; see docs/api.md`),
      logger,
    ),
  );

  registerHealthRoutes(app, services);
  registerMetricsRoute(app, services);
  registerClusterRoutes(app, services);
  registerSessionRoutes(app, services);
  registerCommandFeedRoutes(app, services);
  registerCommandRoutes(app, services);
  registerWhoamiRoute(app, services);
  registerAuditRoutes(app, services);
  registerFindingRoutes(app, services);
  registerAlertmanagerRoutes(app, services);
  registerKeyRoutes(app, services);
  registerExecutorRoutes(app, services);
  registerSeedRoutes(app, services);
  registerA2aRoutes(app, services);
  registerOpenApiRoute(app, services);
  registerUiRoutes(app);
  registerMcpRoute(
    app,
    {
      version: services.config.version,
      logger,
      clusters: services.clusters,
      sessions: services.sessions,
      commands: services.commands,
      agent: services.agent,
      diagnosis: services.diagnosis,
    },
    {
      host: services.config.host,
      apiKeys: services.apiKeys,
      maxRequestBodyBytes: services.config.requestBodyLimitBytes,
    },
  );
  return app;
};
