export const notificationSeverities = ['critical', 'warning', 'info'] as const;
export type NotificationSeverity = (typeof notificationSeverities)[number];

/** Lower is more severe (mirrors the diagnosis engine's ranking). */
export const severityRank: Readonly<Record<NotificationSeverity, number>> = {
  critical: 0,
  warning: 1,
  info: 2,
};

export interface NotificationResource {
  readonly kind: string;
  /** Empty for cluster-scoped objects. */
  readonly namespace: string;
  readonly name: string;
}

/**
 * One thing to tell people: a root cause that opened (`trigger`) or went away (`resolve`). Every
 * sink deduplicates and threads by `fingerprint`, which never contains message text: new wording
 * of the same problem is the same notification.
 */
export interface Notification {
  readonly event: 'trigger' | 'resolve';
  readonly fingerprint: string;
  /** What raised it: the continuous checks, or an Alertmanager alert that was diagnosed. */
  readonly source: 'watch' | 'alertmanager';
  readonly severity: NotificationSeverity;
  readonly clusterId: string;
  /** The namespace of the finding's object; empty for cluster-scoped objects. */
  readonly namespace: string;
  /** The diagnosis rule (or `alertmanager:<alertname>`). */
  readonly rule: string;
  readonly resource: NotificationResource;
  readonly summary: string;
  readonly rootCause: string;
  readonly remediation: string;
  /** Read-only commands that show the evidence. */
  readonly evidence: readonly string[];
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
  readonly resolvedAt: string | null;
  /** How many times the problem appeared (1 for the first episode). */
  readonly occurrences: number;
  /**
   * Messages with the same thread key are threaded together where the sink can (Slack bot
   * threads); an Alertmanager alert's fingerprint for its diagnosis. Default: the fingerprint.
   */
  readonly threadKey?: string | undefined;
  /** Extra text (the agent's answer to an alert), already redacted. */
  readonly details?: string | undefined;
}

export const titleOf = (notification: Notification): string => {
  const { resource } = notification;
  const where = resource.namespace === '' ? resource.name : `${resource.namespace}/${resource.name}`;
  const prefix = notification.event === 'resolve' ? 'RESOLVED' : notification.severity.toUpperCase();
  return `[${prefix}] ${notification.clusterId}: ${resource.kind} ${where} — ${notification.summary}`;
};
