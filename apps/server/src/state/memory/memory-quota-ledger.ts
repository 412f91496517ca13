import type { Clock } from '../../support/clock.js';
import type { QuotaAdmission, QuotaLedger, QuotaRequest, QuotaUsage } from '../quota-ledger.js';

interface Retained {
  readonly identity: string;
  readonly bytes: number;
  readonly expiresAt: number;
}

/** One process's quota ledger (the memory backend). */
export class MemoryQuotaLedger implements QuotaLedger {
  readonly #clock: Clock;
  /** identity → commandId → releaseAt. */
  readonly #slots = new Map<string, Map<string, number>>();
  /** commandId → retained result, in retain order; with one TTL that is also expiry order. */
  readonly #retained = new Map<string, Retained>();
  readonly #bytesOf = new Map<string, number>();
  #bytesTotal = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  admit(request: QuotaRequest): Promise<QuotaAdmission> {
    const now = this.#clock.now();
    this.#forget(now);
    const slots = this.#slotsOf(request.identity, now);
    if (slots.has(request.commandId)) return Promise.resolve({ type: 'admitted' });
    if (slots.size >= request.maxInFlight) {
      return Promise.resolve({
        type: 'refused',
        limit: 'commands-in-flight-per-identity',
        max: request.maxInFlight,
        current: slots.size,
        retryAt: Math.min(...slots.values()),
      });
    }
    const mine = this.#bytesOf.get(request.identity) ?? 0;
    if (mine >= request.maxResultBytesPerIdentity) {
      return Promise.resolve({
        type: 'refused',
        limit: 'result-bytes-per-identity',
        max: request.maxResultBytesPerIdentity,
        current: mine,
        retryAt: this.#earliestExpiry(request.identity) ?? now,
      });
    }
    if (this.#bytesTotal >= request.maxResultBytesTotal) {
      return Promise.resolve({
        type: 'refused',
        limit: 'result-bytes-total',
        max: request.maxResultBytesTotal,
        current: this.#bytesTotal,
        retryAt: this.#earliestExpiry(null) ?? now,
      });
    }
    slots.set(request.commandId, request.releaseAt);
    this.#slots.set(request.identity, slots);
    return Promise.resolve({ type: 'admitted' });
  }

  release(identity: string, commandId: string): Promise<void> {
    const slots = this.#slots.get(identity);
    slots?.delete(commandId);
    if (slots?.size === 0) this.#slots.delete(identity);
    return Promise.resolve();
  }

  retain(identity: string, commandId: string, bytes: number, expiresAt: number): Promise<void> {
    if (bytes <= 0 || this.#retained.has(commandId)) return Promise.resolve();
    this.#retained.set(commandId, { identity, bytes, expiresAt });
    this.#bytesOf.set(identity, (this.#bytesOf.get(identity) ?? 0) + bytes);
    this.#bytesTotal += bytes;
    return Promise.resolve();
  }

  usage(identity: string): Promise<QuotaUsage> {
    const now = this.#clock.now();
    this.#forget(now);
    return Promise.resolve({
      inFlight: this.#slotsOf(identity, now).size,
      resultBytes: this.#bytesOf.get(identity) ?? 0,
      resultBytesTotal: this.#bytesTotal,
    });
  }

  /** The identity's live slots (expired ones dropped); a fresh map when it has none. */
  #slotsOf(identity: string, now: number): Map<string, number> {
    const slots = this.#slots.get(identity) ?? new Map<string, number>();
    for (const [commandId, releaseAt] of slots) if (releaseAt <= now) slots.delete(commandId);
    return slots;
  }

  /** Drops expired results; they are in expiry order, so it stops at the first live one. */
  #forget(now: number): void {
    for (const [commandId, entry] of this.#retained) {
      if (entry.expiresAt > now) break;
      this.#retained.delete(commandId);
      const left = (this.#bytesOf.get(entry.identity) ?? 0) - entry.bytes;
      if (left <= 0) this.#bytesOf.delete(entry.identity);
      else this.#bytesOf.set(entry.identity, left);
      this.#bytesTotal -= entry.bytes;
    }
  }

  /** When the first kept result (of `identity`, or of anyone for null) expires. */
  #earliestExpiry(identity: string | null): number | undefined {
    for (const entry of this.#retained.values())
      if (identity === null || entry.identity === identity) return entry.expiresAt;
    return undefined;
  }
}
