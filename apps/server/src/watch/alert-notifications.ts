import type { Report } from '@kubently/diagnosis';
import type { Notification, NotificationSeverity } from '@kubently/notify';
import type { AlertmanagerAlert } from '@kubently/protocol';

/** Labels that name the workload of an alert (kube-state-metrics and common rule conventions). */
const workloadLabels = [
  'deployment',
  'statefulset',
  'daemonset',
  'job_name',
  'cronjob',
  'pod',
  'container',
] as const;

export interface AlertTarget {
  readonly clusterId: string | undefined;
  readonly namespace: string | undefined;
  readonly workload: string | undefined;
}

/** Where an alert points: `cluster` (or `kubently_cluster`) label, `namespace`, the workload label. */
export const alertTargetOf = (alert: AlertmanagerAlert, defaultCluster: string | undefined): AlertTarget => ({
  clusterId: alert.labels['kubently_cluster'] ?? alert.labels['cluster'] ?? defaultCluster,
  namespace: alert.labels['namespace'],
  workload: workloadLabels.map((label) => alert.labels[label]).find((value) => value !== undefined),
});

const severityOf = (alert: AlertmanagerAlert): NotificationSeverity => {
  const severity = (alert.labels['severity'] ?? '').toLowerCase();
  return severity === 'critical' || severity === 'page'
    ? 'critical'
    : severity === 'info' || severity === 'none'
      ? 'info'
      : 'warning';
};

/**
 * The notice for one alert: its own name and description, plus the diagnosis of its namespace
 * (root causes touching the workload first). Fingerprint `alertmanager-<alert fingerprint>`, and
 * threaded under the alert so the resolve joins it.
 */
export const alertNotificationOf = (
  alert: AlertmanagerAlert,
  target: AlertTarget & { clusterId: string },
  report: Report | null,
  diagnosisProblem: string | null,
  now: string,
): Notification => {
  const name = alert.labels['alertname'] ?? 'alert';
  const related =
    report?.findings.filter(
      (finding) =>
        target.workload === undefined ||
        finding.resource.name === target.workload ||
        finding.resource.name.startsWith(`${target.workload}-`) ||
        finding.affected.some(
          (item) => item.name === target.workload || item.name.startsWith(`${target.workload}-`),
        ),
    ) ?? [];
  const causes = related.length > 0 ? related : (report?.findings ?? []);
  const top = causes[0];
  const description =
    alert.annotations['description'] ?? alert.annotations['summary'] ?? alert.annotations['message'] ?? '';
  const rootCause =
    top !== undefined
      ? causes
          .slice(0, 3)
          .map((finding) => `${finding.summary}: ${finding.rootCause}`)
          .join('\n')
      : diagnosisProblem !== null
        ? `No diagnosis: ${diagnosisProblem}`
        : 'The diagnosis found no root cause in the namespace.';
  return {
    event: alert.status === 'resolved' ? 'resolve' : 'trigger',
    fingerprint: `alertmanager-${alert.fingerprint}`,
    source: 'alertmanager',
    severity: severityOf(alert),
    clusterId: target.clusterId,
    namespace: target.namespace ?? '',
    rule: `alertmanager:${name}`,
    resource: {
      kind: top?.resource.kind ?? 'Alert',
      namespace: target.namespace ?? '',
      name: target.workload ?? top?.resource.name ?? name,
    },
    summary: `${name}${description === '' ? '' : `: ${description}`}`,
    rootCause,
    remediation:
      top?.remediation ??
      (alert.annotations['runbook_url'] === undefined
        ? 'See the alert.'
        : `Runbook: ${alert.annotations['runbook_url']}`),
    evidence: causes
      .slice(0, 3)
      .flatMap((finding) => finding.evidence.map((item) => item.command))
      .slice(0, 5),
    firstSeenAt: alert.startsAt,
    lastSeenAt: now,
    resolvedAt: alert.status === 'resolved' ? (alert.endsAt ?? now) : null,
    occurrences: 1,
    threadKey: `alertmanager-${alert.fingerprint}`,
  };
};
