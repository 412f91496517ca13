import { applyObservation, compareFindings } from '../apply-observation.js';
import { deadLetterCapacity } from '../finding-history.js';
import type {
  DeadLetterRecord,
  FindingFilter,
  FindingHistory,
  FindingRecord,
  FindingTransition,
  ObserveInput,
} from '../finding-history.js';

/** One process's findings history (gone on restart). */
export class MemoryFindingHistory implements FindingHistory {
  readonly #clusters = new Map<string, Map<string, FindingRecord>>();
  readonly #claims = new Map<string, { holder: string; until: number }>();
  #deadLetters: DeadLetterRecord[] = [];

  observe(input: ObserveInput): Promise<FindingTransition[]> {
    let records = this.#clusters.get(input.clusterId);
    if (records === undefined) {
      records = new Map();
      this.#clusters.set(input.clusterId, records);
    }
    const { updates, transitions } = applyObservation(records, input);
    for (const record of updates) records.set(record.fingerprint, record);
    return Promise.resolve([...transitions]);
  }

  list(filter: FindingFilter): Promise<FindingRecord[]> {
    const all: FindingRecord[] = [];
    for (const [clusterId, records] of this.#clusters) {
      if (filter.clusterId !== undefined && clusterId !== filter.clusterId) continue;
      if (filter.clusters != null && !filter.clusters.includes(clusterId)) continue;
      for (const record of records.values()) {
        if (filter.status === undefined || record.status === filter.status) all.push(record);
      }
    }
    return Promise.resolve(all.sort(compareFindings).slice(0, filter.limit));
  }

  get(clusterId: string, fingerprint: string): Promise<FindingRecord | null> {
    return Promise.resolve(this.#clusters.get(clusterId)?.get(fingerprint) ?? null);
  }

  claim(scope: string, holder: string, at: number, ttlMs: number): Promise<boolean> {
    const current = this.#claims.get(scope);
    if (current !== undefined && current.holder !== holder && current.until > at)
      return Promise.resolve(false);
    this.#claims.set(scope, { holder, until: at + ttlMs });
    return Promise.resolve(true);
  }

  addDeadLetter(letter: DeadLetterRecord): Promise<void> {
    this.#deadLetters = [letter, ...this.#deadLetters].slice(0, deadLetterCapacity);
    return Promise.resolve();
  }

  deadLetters(limit: number): Promise<DeadLetterRecord[]> {
    return Promise.resolve(this.#deadLetters.slice(0, limit));
  }
}
