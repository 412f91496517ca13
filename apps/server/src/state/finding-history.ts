import type { FindingRecord } from '@kubently/protocol';

export type { FindingRecord };

/** One root cause as a check saw it (the wording may change between checks; the fingerprint not). */
export type FindingObservation = Pick<
  FindingRecord,
  'fingerprint' | 'rule' | 'severity' | 'resource' | 'summary' | 'rootCause' | 'remediation' | 'evidence'
>;

export interface ObserveInput {
  readonly clusterId: string;
  /** The watch target that ran the check: only its own open findings can resolve. */
  readonly scope: string;
  /** Epoch ms of the check. */
  readonly at: number;
  /** Every root cause the check found in its scope. */
  readonly findings: readonly FindingObservation[];
  /** A finding missing for less than this is still open (flapping suppressed); then it resolves. */
  readonly flapWindowMs: number;
}

/** What changed and deserves a notice: new episodes and resolutions, nothing else. */
export interface FindingTransition {
  readonly type: 'opened' | 'reopened' | 'resolved';
  readonly record: FindingRecord;
}

export interface FindingFilter {
  readonly clusterId?: string | undefined;
  /** The caller's cluster allowlist; null: every cluster. */
  readonly clusters?: readonly string[] | null | undefined;
  readonly status?: FindingRecord['status'] | undefined;
  readonly limit: number;
}

/** A notification that could not be delivered after every retry (GET /v1/findings/dead-letters). */
export interface DeadLetterRecord {
  readonly sink: string;
  readonly sinkType: string;
  readonly event: 'trigger' | 'resolve';
  readonly fingerprint: string;
  readonly clusterId: string;
  readonly attempts: number;
  readonly error: string;
  readonly failedAt: number;
}

/**
 * Root causes over time, by cluster and stable fingerprint, shared by every replica. `observe` is a
 * read-modify-write of one cluster's findings: callers hold that check's `claim` while they run it,
 * so two replicas never observe one scope at once.
 */
export interface FindingHistory {
  /** Records a check's findings and returns the transitions (see applyObservation for the rules). */
  observe(input: ObserveInput): Promise<FindingTransition[]>;
  /** Open findings first, then the most recently seen; at most `limit`. */
  list(filter: FindingFilter): Promise<FindingRecord[]>;
  get(clusterId: string, fingerprint: string): Promise<FindingRecord | null>;
  /**
   * Takes (or renews, for the same holder) the right to run the check `scope` until `at + ttlMs`;
   * false while another holder has it. Bounds watch cost to one check per scope across replicas.
   */
  claim(scope: string, holder: string, at: number, ttlMs: number): Promise<boolean>;
  addDeadLetter(letter: DeadLetterRecord): Promise<void>;
  /** Newest first, at most `limit` (the store keeps the last 1000). */
  deadLetters(limit: number): Promise<DeadLetterRecord[]>;
}

export const deadLetterCapacity = 1000;
