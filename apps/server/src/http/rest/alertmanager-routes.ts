import type { Hono } from 'hono';

import { alertmanagerPayloadSchema, clusterIdSchema, namespaceSchema } from '@kubently/protocol';
import type { AlertmanagerAlert } from '@kubently/protocol';

import type { Caller } from '../../auth/api-key-verifier.js';
import { canUseCluster } from '../../auth/can-see.js';
import { isAllowed } from '../../auth/permissions.js';
import { KubentlyError } from '../../errors/kubently-error.js';
import type { ServerServices } from '../../services.js';
import { isoAt } from '../../support/clock.js';
import { alertNotificationOf, alertTargetOf } from '../../watch/alert-notifications.js';
import type { AppEnv } from '../app-env.js';
import { missingKeyMessage, presentedKey, serviceIdentityOf } from '../presented-key.js';
import { readJson } from '../read-json.js';

/** Alertmanager's `basic_auth`: the password is a Kubently API key (the username is ignored). */
const basicPassword = (authorization: string | undefined): string | undefined => {
  const match = /^Basic[ ]+([A-Za-z0-9+/=]+)[ ]*$/i.exec(authorization ?? '');
  if (match?.[1] === undefined) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1) || undefined;
};

/**
 * `POST /v1/webhooks/alertmanager?cluster=<id>`: Alertmanager's webhook (payload version 4, bearer
 * or basic auth with an operator key). Answers 202 at once; each alert's namespace is then
 * diagnosed as the caller and the notice sent to the routed sinks, threaded per alert.
 */
export const registerAlertmanagerRoutes = (app: Hono<AppEnv>, services: ServerServices): void => {
  let alertsInFlight = 0;
  app.post('/v1/webhooks/alertmanager', async (c) => {
    const header = (name: string): string | undefined => c.req.header(name);
    const key = presentedKey(header) ?? basicPassword(header('authorization'));
    const caller = key === undefined ? null : await services.apiKeys.verify(key, serviceIdentityOf(header));
    if (caller === null) {
      throw new KubentlyError('unauthorized', `${missingKeyMessage}, or as the basic_auth password`);
    }
    if (!isAllowed(caller.role, 'commands:run')) {
      throw new KubentlyError(
        'forbidden',
        `role "${caller.role}" may not run the diagnosis an alert needs; give Alertmanager an operator key`,
      );
    }
    const defaultCluster = c.req.query('cluster');
    if (defaultCluster !== undefined && !clusterIdSchema.safeParse(defaultCluster).success) {
      throw new KubentlyError(
        'validation_failed',
        `cluster "${defaultCluster}" is not a cluster id; fix ?cluster=`,
      );
    }
    const payload = await readJson(c, alertmanagerPayloadSchema, services.config.requestBodyLimitBytes);
    const notifications = services.notifications.service;
    const correlationId = c.get('correlationId');
    // An alert may speak only for a cluster the key may use: its cluster label chooses the sinks
    // (and a PagerDuty resolve), so a key scoped to dev must not page or resolve prod.
    const accepted: AlertmanagerAlert[] = [];
    const rejected: { fingerprint: string; reason: string }[] = [];
    for (const alert of payload.alerts) {
      const refusal = refusalOf(alertTargetOf(alert, defaultCluster).clusterId, caller);
      if (refusal === null) accepted.push(alert);
      else rejected.push({ fingerprint: alert.fingerprint, reason: refusal });
    }
    if (rejected.length > 0) {
      services.logger.warn(
        { correlationId, identity: caller.identity, rejected },
        'Alertmanager alerts refused: their cluster is not one this key may use',
      );
    }
    if (accepted.length > 0) {
      if (alertsInFlight + accepted.length > maxAlertsInFlight) {
        throw new KubentlyError(
          'rate_limited',
          `${alertsInFlight} Alertmanager alerts are still being diagnosed (at most ${maxAlertsInFlight}); Alertmanager retries this group later`,
          { retryAfterSeconds: 30 },
        );
      }
      alertsInFlight += accepted.length;
      const work = (async () => {
        // One alert at a time per webhook: each runs a diagnosis through the executor.
        for (const alert of accepted) {
          try {
            await handleAlert(services, caller, alert, defaultCluster, correlationId);
          } finally {
            alertsInFlight -= 1;
          }
        }
      })();
      work.catch((error: unknown) => {
        services.logger.error({ err: error, correlationId }, 'handling an Alertmanager webhook failed');
      });
    }
    return c.json(
      {
        accepted: accepted.length,
        rejected: rejected.length,
        ...(rejected.length === 0 ? {} : { rejections: rejected }),
        sinksConfigured: notifications !== null,
      },
      202,
    );
  });
};

/** Alerts waiting for or in their diagnosis, across every webhook call of one server. */
const maxAlertsInFlight = 200;

/** Null when the alert may be handled for this caller; otherwise why not. */
const refusalOf = (clusterId: string | undefined, caller: Caller): string | null => {
  if (clusterId === undefined) return null; // logged and dropped in handleAlert
  if (!clusterIdSchema.safeParse(clusterId).success)
    return `cluster label "${clusterId.slice(0, 80)}" is not a cluster id`;
  if (!canUseCluster(caller, clusterId)) return `cluster "${clusterId}" is outside this key's cluster scope`;
  return null;
};

const handleAlert = async (
  services: ServerServices,
  caller: Caller,
  alert: AlertmanagerAlert,
  defaultCluster: string | undefined,
  correlationId: string,
): Promise<void> => {
  const { logger, clock } = services;
  const target = alertTargetOf(alert, defaultCluster);
  if (target.clusterId === undefined) {
    logger.warn(
      { correlationId, alert: alert.fingerprint },
      'an Alertmanager alert names no cluster: add a `cluster` label or ?cluster=<id> to the webhook URL',
    );
    return;
  }
  const clusterId = target.clusterId;
  let report = null;
  let problem: string | null = null;
  if (alert.status === 'firing') {
    const namespace =
      target.namespace !== undefined && namespaceSchema.safeParse(target.namespace).success
        ? target.namespace
        : undefined;
    try {
      report = (
        await services.diagnosis.diagnose({
          clusterId,
          namespaces: namespace === undefined ? undefined : [namespace],
          caller,
          correlationId,
          signal: AbortSignal.timeout(120_000),
        })
      ).report;
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
      logger.warn(
        { correlationId, clusterId, err: error },
        'diagnosis for an Alertmanager alert failed; notifying without it',
      );
    }
  }
  const notification = alertNotificationOf(
    alert,
    { ...target, clusterId },
    report,
    problem,
    isoAt(clock.now()),
  );
  const outcomes = (await services.notifications.service?.send(notification)) ?? [];
  logger.info(
    {
      correlationId,
      clusterId,
      alert: alert.fingerprint,
      status: alert.status,
      sinks: outcomes.map((outcome) => `${outcome.sink}:${outcome.type}`),
    },
    'alertmanager alert handled',
  );
};
