import type { Finding, Severity } from './finding.js';

export interface ReportSummary {
  /** Incident root causes (posture findings are counted apart). */
  readonly rootCauses: number;
  /** Posture findings (0 unless posture was included). */
  readonly posture: number;
  readonly symptoms: number;
  readonly bySeverity: Readonly<Record<Severity, number>>;
  readonly rulesRun: number;
  readonly objectsScanned: number;
}

export interface Report {
  /** Root causes (findings nothing else explains), most severe first, then by how much they explain. */
  readonly findings: readonly Finding[];
  /** Findings explained by a root cause; each names its causes in `causedBy`. */
  readonly symptoms: readonly Finding[];
  readonly summary: ReportSummary;
  readonly collectedAt: string;
  readonly generatedAt: string;
  readonly namespaces: 'all' | readonly string[];
}
