import type { Clock } from '../../src/support/clock.js';

export interface FakeClock extends Clock {
  advance(ms: number): void;
}

export const createFakeClock = (start = Date.parse('2026-01-01T00:00:00.000Z')): FakeClock => {
  let now = start;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
  };
};
