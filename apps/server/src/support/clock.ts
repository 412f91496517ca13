/** Wall-clock time in epoch milliseconds; injected so TTLs and timestamps are testable. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export const isoAt = (epochMs: number): string => new Date(epochMs).toISOString();
