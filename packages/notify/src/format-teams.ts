import type { Notification } from './notification.js';
import { titleOf } from './notification.js';

/**
 * The message envelope a Teams workflow webhook ("When a Teams webhook request is received")
 * accepts: one Adaptive Card attachment.
 */
export const formatTeams = (notification: Notification): Record<string, unknown> => {
  const isResolve = notification.event === 'resolve';
  const body: Record<string, unknown>[] = [
    {
      type: 'TextBlock',
      text: titleOf(notification),
      weight: 'Bolder',
      size: 'Medium',
      wrap: true,
      color: isResolve ? 'Good' : notification.severity === 'critical' ? 'Attention' : 'Warning',
    },
    {
      type: 'FactSet',
      facts: [
        { title: 'Cluster', value: notification.clusterId },
        { title: 'Namespace', value: notification.namespace || '(cluster)' },
        { title: 'Severity', value: notification.severity },
        { title: 'Rule', value: notification.rule },
        { title: 'First seen', value: notification.firstSeenAt },
        { title: 'Occurrences', value: String(notification.occurrences) },
        { title: 'Fingerprint', value: notification.fingerprint },
      ],
    },
  ];
  if (!isResolve) {
    body.push(
      { type: 'TextBlock', text: 'Root cause', weight: 'Bolder', wrap: true },
      { type: 'TextBlock', text: notification.rootCause, wrap: true },
      { type: 'TextBlock', text: 'Fix', weight: 'Bolder', wrap: true },
      { type: 'TextBlock', text: notification.remediation, wrap: true },
    );
    if (notification.evidence.length > 0) {
      body.push({
        type: 'TextBlock',
        text: notification.evidence.slice(0, 5).join('\n\n'),
        fontType: 'Monospace',
        wrap: true,
      });
    }
    if (notification.details !== undefined)
      body.push({ type: 'TextBlock', text: notification.details, wrap: true });
  } else {
    body.push({
      type: 'TextBlock',
      text: `Resolved at ${notification.resolvedAt ?? notification.lastSeenAt}.`,
      wrap: true,
    });
  }
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
        },
      },
    ],
  };
};
