import type { Notification } from './notification.js';
import { titleOf } from './notification.js';

/** The generic webhook's JSON body (schema `kubently.notification/v1`, docs/notifications.md). */
export const formatWebhook = (notification: Notification): string =>
  JSON.stringify({
    schema: 'kubently.notification/v1',
    event: notification.event,
    fingerprint: notification.fingerprint,
    title: titleOf(notification),
    source: notification.source,
    severity: notification.severity,
    clusterId: notification.clusterId,
    namespace: notification.namespace,
    rule: notification.rule,
    resource: notification.resource,
    summary: notification.summary,
    rootCause: notification.rootCause,
    remediation: notification.remediation,
    evidence: notification.evidence,
    firstSeenAt: notification.firstSeenAt,
    lastSeenAt: notification.lastSeenAt,
    resolvedAt: notification.resolvedAt,
    occurrences: notification.occurrences,
    ...(notification.threadKey === undefined ? {} : { threadKey: notification.threadKey }),
    ...(notification.details === undefined ? {} : { details: notification.details }),
  });
