/** The label value every value past the cap is folded into. */
export const otherLabel = 'other';

/**
 * Keeps a label's cardinality bounded: the first `max` distinct values keep their own series, every
 * later one is counted under `other`. Memory is bounded by `max`. Values are ids validated at the
 * trust boundary (cluster ids), never free text; the cap protects Prometheus from a deployment with
 * more clusters than it planned for, not from hostile input.
 */
export class BoundedLabel {
  readonly #max: number;
  readonly #seen = new Set<string>();

  constructor(max: number) {
    this.#max = max;
  }

  of(value: string): string {
    if (this.#seen.has(value)) return value;
    if (this.#seen.size >= this.#max) return otherLabel;
    this.#seen.add(value);
    return value;
  }
}
