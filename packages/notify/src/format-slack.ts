import type { Notification } from './notification.js';
import { titleOf } from './notification.js';

/** Slack mrkdwn escapes (the three characters Slack asks to escape). */
const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Section text is limited to 3000 characters by Block Kit. */
const clip = (text: string, max = 2900): string => (text.length > max ? `${text.slice(0, max)}…` : text);

export interface SlackMessage {
  /** Fallback for notifications and clients without blocks. */
  readonly text: string;
  readonly blocks: readonly Record<string, unknown>[];
}

/** A Block Kit message: header, fields, root cause, fix, evidence commands. */
export const formatSlack = (notification: Notification): SlackMessage => {
  const title = titleOf(notification);
  const emoji =
    notification.event === 'resolve'
      ? ':white_check_mark:'
      : notification.severity === 'critical'
        ? ':red_circle:'
        : ':warning:';
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(title, 150), emoji: true } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Cluster*\n${escape(notification.clusterId)}` },
        { type: 'mrkdwn', text: `*Namespace*\n${escape(notification.namespace || '(cluster)')}` },
        { type: 'mrkdwn', text: `*Severity*\n${emoji} ${notification.severity}` },
        { type: 'mrkdwn', text: `*Rule*\n\`${escape(notification.rule)}\`` },
      ],
    },
  ];
  if (notification.event === 'resolve') {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `Resolved at ${notification.resolvedAt ?? notification.lastSeenAt}.` },
    });
  } else {
    blocks.push(
      {
        type: 'section',
        text: { type: 'mrkdwn', text: clip(`*Root cause*\n${escape(notification.rootCause)}`) },
      },
      { type: 'section', text: { type: 'mrkdwn', text: clip(`*Fix*\n${escape(notification.remediation)}`) } },
    );
    if (notification.evidence.length > 0) {
      const commands = notification.evidence.slice(0, 5).map(escape).join('\n');
      blocks.push({
        type: 'section',
        text: { type: 'mrkdwn', text: clip(`*Evidence*\n\`\`\`${commands}\`\`\``) },
      });
    }
    if (notification.details !== undefined) {
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(escape(notification.details)) } });
    }
  }
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `fingerprint \`${notification.fingerprint}\` · first seen ${notification.firstSeenAt} · occurrences ${notification.occurrences} · via ${notification.source}`,
      },
    ],
  });
  return { text: title, blocks };
};
