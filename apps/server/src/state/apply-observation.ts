import type {
  FindingObservation,
  FindingRecord,
  FindingTransition,
  ObserveInput,
} from './finding-history.js';

export interface AppliedObservation {
  /** Records to write back (new or changed). */
  readonly updates: readonly FindingRecord[];
  readonly transitions: readonly FindingTransition[];
}

const wordingOf = (finding: FindingObservation) => ({
  rule: finding.rule,
  severity: finding.severity,
  resource: finding.resource,
  summary: finding.summary,
  rootCause: finding.rootCause,
  remediation: finding.remediation,
  evidence: finding.evidence,
});

/**
 * The history rules, shared by every backend (pure):
 * - a fingerprint never seen opens an episode (`opened`, occurrences 1);
 * - a resolved one seen again reopens (`reopened`, occurrences + 1);
 * - an open one seen again only refreshes lastSeenAt and the wording (no notice: new wording of
 *   the same problem never re-alerts); if it had been missing, that was a flap (flaps + 1);
 * - an open one of this scope not seen is marked missing; once missing for `flapWindowMs` it
 *   resolves (`resolved`, resolvedAt = when it was first missed). Coming back before that is a
 *   flap, not a new episode, so flapping sends neither resolve nor trigger notices.
 */
export const applyObservation = (
  existing: ReadonlyMap<string, FindingRecord>,
  input: ObserveInput,
): AppliedObservation => {
  const updates: FindingRecord[] = [];
  const transitions: FindingTransition[] = [];
  const seen = new Set<string>();
  for (const finding of input.findings) {
    if (seen.has(finding.fingerprint)) continue;
    seen.add(finding.fingerprint);
    const record = existing.get(finding.fingerprint);
    if (record === undefined) {
      const created: FindingRecord = {
        clusterId: input.clusterId,
        fingerprint: finding.fingerprint,
        scope: input.scope,
        ...wordingOf(finding),
        status: 'open',
        firstSeenAt: input.at,
        lastSeenAt: input.at,
        resolvedAt: null,
        missingSince: null,
        occurrences: 1,
        flaps: 0,
      };
      updates.push(created);
      transitions.push({ type: 'opened', record: created });
    } else if (record.status === 'resolved') {
      const reopened: FindingRecord = {
        ...record,
        ...wordingOf(finding),
        scope: input.scope,
        status: 'open',
        lastSeenAt: input.at,
        resolvedAt: null,
        missingSince: null,
        occurrences: record.occurrences + 1,
      };
      updates.push(reopened);
      transitions.push({ type: 'reopened', record: reopened });
    } else {
      updates.push({
        ...record,
        ...wordingOf(finding),
        lastSeenAt: Math.max(record.lastSeenAt, input.at),
        missingSince: null,
        flaps: record.missingSince === null ? record.flaps : record.flaps + 1,
      });
    }
  }
  for (const record of existing.values()) {
    if (record.status !== 'open' || record.scope !== input.scope || seen.has(record.fingerprint)) continue;
    const missingSince = record.missingSince ?? input.at;
    if (input.at - missingSince >= input.flapWindowMs) {
      const resolved: FindingRecord = {
        ...record,
        status: 'resolved',
        resolvedAt: missingSince,
        missingSince: null,
      };
      updates.push(resolved);
      transitions.push({ type: 'resolved', record: resolved });
    } else if (record.missingSince === null) {
      updates.push({ ...record, missingSince });
    }
  }
  return { updates, transitions };
};

/** Open first, then most recently seen, then fingerprint (a stable order for equal times). */
export const compareFindings = (a: FindingRecord, b: FindingRecord): number =>
  (a.status === b.status ? 0 : a.status === 'open' ? -1 : 1) ||
  b.lastSeenAt - a.lastSeenAt ||
  a.clusterId.localeCompare(b.clusterId) ||
  a.fingerprint.localeCompare(b.fingerprint);
