import { createMiddleware } from 'hono/factory';

import { headers, idSchema } from '@kubently/protocol';

import { authenticateExecutor, removedClusterOf } from '../auth/executor-authenticator.js';
import { KubentlyError } from '../errors/kubently-error.js';
import { anonymousExecutorPrefix } from '../executors/executor-identity.js';
import type { ServerServices } from '../services.js';
import type { AppEnv } from './app-env.js';

/**
 * Executor endpoints: `Authorization: Bearer <cluster token>`, optional `X-Cluster-ID` that must
 * match the token's cluster, and `X-Executor-ID` (required unless `executorId: 'optional'`, in
 * which case a per-connection id is made up, for seed executors that do not send one).
 */
export const requireExecutor = (services: ServerServices, executorId: 'required' | 'optional') =>
  createMiddleware<AppEnv>(async (c, next) => {
    const clusterId = await authenticateExecutor(
      services.state.clusters,
      services.clock,
      c.req.header(headers.authorization),
      c.req.header(headers.clusterId),
    );
    if (clusterId === null) {
      const removed = await removedClusterOf(services.state.clusters, c.req.header(headers.authorization));
      if (removed !== null) {
        throw new KubentlyError(
          'cluster_removed',
          `cluster "${removed}" was removed from this server; stop this executor, or register the cluster again (kubently clusters add ${removed}) and give the executor the new token`,
          { details: { clusterId: removed } },
        );
      }
      throw new KubentlyError(
        'unauthorized',
        'missing or invalid executor token; send "Authorization: Bearer <cluster token>" (and X-Cluster-ID of that cluster, if any)',
      );
    }
    const given = c.req.header(headers.executorId);
    if (given !== undefined && !idSchema.safeParse(given).success) {
      throw new KubentlyError(
        'bad_request',
        'X-Executor-ID must be 1-128 letters, digits, ".", "_", ":" or "-" (a UUID)',
      );
    }
    if (given?.startsWith(anonymousExecutorPrefix) === true) {
      throw new KubentlyError(
        'bad_request',
        `X-Executor-ID may not start with "${anonymousExecutorPrefix}" (reserved for executors that send none); use a UUID`,
      );
    }
    if (given === undefined && executorId === 'required') {
      throw new KubentlyError(
        'bad_request',
        'send X-Executor-ID: a UUID the executor generates once per process',
      );
    }
    c.set(
      'executor',
      given === undefined
        ? { clusterId, executorId: `${anonymousExecutorPrefix}${services.ids.next()}`, isAnonymous: true }
        : { clusterId, executorId: given, isAnonymous: false },
    );
    await next();
  });
