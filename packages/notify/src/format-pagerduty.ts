import type { Notification } from './notification.js';
import { titleOf } from './notification.js';

/**
 * A PagerDuty Events API v2 event: `trigger` or `resolve`, deduplicated by `dedup_key` = the
 * finding's fingerprint, so a resolve closes the incident its trigger opened.
 */
export const formatPagerDuty = (notification: Notification, routingKey: string): Record<string, unknown> => {
  if (notification.event === 'resolve') {
    return { routing_key: routingKey, event_action: 'resolve', dedup_key: notification.fingerprint };
  }
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: notification.fingerprint,
    payload: {
      // PagerDuty truncates summaries at 1024 characters.
      summary: titleOf(notification).slice(0, 1024),
      source: notification.clusterId,
      severity: notification.severity,
      timestamp: notification.lastSeenAt,
      component: `${notification.resource.kind}/${notification.resource.name}`,
      group: notification.namespace || 'cluster',
      class: notification.rule,
      custom_details: {
        rootCause: notification.rootCause,
        remediation: notification.remediation,
        evidence: notification.evidence,
        firstSeenAt: notification.firstSeenAt,
        occurrences: notification.occurrences,
        source: notification.source,
        ...(notification.details === undefined ? {} : { details: notification.details }),
      },
    },
  };
};
