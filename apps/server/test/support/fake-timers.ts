import type { Timers } from '../../src/support/timers.js';
import type { FakeClock } from './fake-clock.js';

export interface FakeTimers extends Timers {
  /** Timers scheduled and neither run nor cancelled. */
  pending(): number;
  /** Moves the clock on by `ms`, running every timer that falls due, in due order. */
  advance(ms: number): void;
}

/** Timers driven by a fake clock: nothing runs until the test advances time. */
export const createFakeTimers = (clock: FakeClock): FakeTimers => {
  const timers = new Map<number, { at: number; callback: () => void }>();
  let nextId = 0;
  return {
    after: (ms, callback) => {
      nextId += 1;
      const id = nextId;
      timers.set(id, { at: clock.now() + ms, callback });
      return () => {
        timers.delete(id);
      };
    },
    pending: () => timers.size,
    advance: (ms) => {
      const until = clock.now() + ms;
      for (;;) {
        const due = [...timers.entries()]
          .filter(([, timer]) => timer.at <= until)
          .sort(([, a], [, b]) => a.at - b.at)[0];
        if (due === undefined) break;
        const [id, timer] = due;
        timers.delete(id);
        clock.advance(Math.max(0, timer.at - clock.now()));
        timer.callback();
      }
      clock.advance(Math.max(0, until - clock.now()));
    },
  };
};
