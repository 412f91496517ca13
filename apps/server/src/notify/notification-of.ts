import type { Notification } from '@kubently/notify';

import type { FindingTransition } from '../state/finding-history.js';
import { isoAt } from '../support/clock.js';

/** The notice a history transition deserves: opened and reopened trigger, resolved resolves. */
export const notificationOf = (transition: FindingTransition): Notification => {
  const { record } = transition;
  return {
    event: transition.type === 'resolved' ? 'resolve' : 'trigger',
    fingerprint: record.fingerprint,
    source: 'watch',
    severity: record.severity,
    clusterId: record.clusterId,
    namespace: record.resource.namespace,
    rule: record.rule,
    resource: record.resource,
    summary: record.summary,
    rootCause: record.rootCause,
    remediation: record.remediation,
    evidence: record.evidence,
    firstSeenAt: isoAt(record.firstSeenAt),
    lastSeenAt: isoAt(record.lastSeenAt),
    resolvedAt: record.resolvedAt === null ? null : isoAt(record.resolvedAt),
    occurrences: record.occurrences,
  };
};
