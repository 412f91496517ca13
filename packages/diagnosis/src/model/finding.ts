export const severities = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof severities)[number];

/** Lower is more severe; used for sorting and the minimum-severity filter. */
export const severityRank: Readonly<Record<Severity, number>> = { critical: 0, warning: 1, info: 2 };

/**
 * `incident`: something is broken or about to break. `posture`: a security or hygiene weakness that
 * breaks nothing today (opt-in with `include: ['posture']`); it never explains an incident, is never
 * more severe than `warning` and is ranked after every incident finding.
 */
export const findingCategories = ['incident', 'posture'] as const;
export type FindingCategory = (typeof findingCategories)[number];

/** Opt-in finding categories (incidents are always reported). */
export const diagnosisIncludes = ['posture'] as const;
export type DiagnosisInclude = (typeof diagnosisIncludes)[number];

export interface ResourceRef {
  readonly kind: string;
  /** Empty for cluster-scoped objects. */
  readonly namespace: string;
  readonly name: string;
}

/** One fact that proves a finding, and the read-only kubectl command that shows it. */
export type Evidence =
  | {
      readonly type: 'field';
      readonly object: ResourceRef;
      /** JSON path of the field, e.g. `status.containerStatuses[app].lastState.terminated.reason`. */
      readonly path: string;
      readonly value: string;
      readonly command: string;
    }
  | {
      readonly type: 'event';
      readonly object: ResourceRef;
      readonly reason: string;
      readonly message: string;
      readonly count: number;
      readonly lastSeen: string;
      readonly command: string;
    }
  | {
      /** Something the spec refers to is not in the snapshot, or a selector matches nothing. */
      readonly type: 'absence';
      readonly object: ResourceRef;
      readonly detail: string;
      readonly command: string;
    };

/** An object whose findings would explain this one; `rules` narrows which findings qualify. */
export interface Suspect extends ResourceRef {
  readonly rules?: readonly string[];
}

/** What a rule returns. The engine adds the id and the causal links. */
export interface FindingDraft {
  readonly rule: string;
  readonly severity: Severity;
  readonly resource: ResourceRef;
  /** Distinguishes two findings of one rule on one resource; part of the fingerprint. */
  readonly causeKey: string;
  readonly summary: string;
  readonly rootCause: string;
  readonly evidence: readonly Evidence[];
  readonly remediation: string;
  /** Other objects this finding covers (the pods of a workload, the workloads that reference a missing ConfigMap). */
  readonly affected?: readonly ResourceRef[];
  /** Objects whose findings would explain this one (the pods behind a Service, the quota behind a FailedCreate). */
  readonly suspects?: readonly Suspect[];
  /**
   * The reverse of `suspects`: objects whose findings this one explains (a StatefulSet whose
   * governing Service is missing explains its pods' crash loops). `rules` narrows which findings.
   */
  readonly explains?: readonly Suspect[];
}

export interface Finding {
  /** Stable fingerprint of rule + resource + cause key: the same problem has the same id on every run. */
  readonly id: string;
  readonly rule: string;
  readonly category: FindingCategory;
  readonly severity: Severity;
  readonly resource: ResourceRef;
  readonly summary: string;
  readonly rootCause: string;
  readonly evidence: readonly Evidence[];
  readonly remediation: string;
  readonly affected: readonly ResourceRef[];
  /** Ids of the findings this one explains. */
  readonly causes: readonly string[];
  /** Ids of the findings that explain this one; empty for a root cause. */
  readonly causedBy: readonly string[];
}
