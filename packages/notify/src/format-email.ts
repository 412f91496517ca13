import type { Notification } from './notification.js';
import { titleOf } from './notification.js';

export interface EmailContent {
  readonly subject: string;
  readonly text: string;
}

/** A plain-text e-mail; the subject carries the fingerprint so mail clients thread per finding. */
export const formatEmail = (notification: Notification): EmailContent => {
  const lines = [
    titleOf(notification),
    '',
    `Cluster:     ${notification.clusterId}`,
    `Namespace:   ${notification.namespace || '(cluster)'}`,
    `Severity:    ${notification.severity}`,
    `Rule:        ${notification.rule}`,
    `First seen:  ${notification.firstSeenAt}`,
    `Last seen:   ${notification.lastSeenAt}`,
    `Occurrences: ${notification.occurrences}`,
    `Fingerprint: ${notification.fingerprint}`,
    '',
  ];
  if (notification.event === 'resolve') {
    lines.push(`Resolved at ${notification.resolvedAt ?? notification.lastSeenAt}.`);
  } else {
    lines.push('Root cause:', notification.rootCause, '', 'Fix:', notification.remediation, '');
    if (notification.evidence.length > 0)
      lines.push('Evidence:', ...notification.evidence.map((command) => `  ${command}`), '');
    if (notification.details !== undefined) lines.push(notification.details, '');
  }
  return { subject: titleOf(notification).replace(/[\r\n]+/g, ' '), text: lines.join('\n') };
};
