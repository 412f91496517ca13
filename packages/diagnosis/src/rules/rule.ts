import type { DiagnosisContext } from '../engine/diagnosis-context.js';
import type { FindingCategory, FindingDraft } from '../model/finding.js';

/** One check: a pure function of the snapshot indexes. Rules never throw on malformed objects. */
export interface Rule {
  /** Stable kebab-case id; part of every finding's fingerprint. */
  readonly id: string;
  /** One line for docs and `--list-rules`. */
  readonly title: string;
  /** Default `incident`; `posture` rules run only when the caller includes posture. */
  readonly category?: FindingCategory;
  readonly run: (context: DiagnosisContext) => readonly FindingDraft[];
}
