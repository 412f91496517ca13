/**
 * One-shot timers; injected (like the clock) so tests decide when a deadline passes instead of
 * waiting for it.
 */
export interface Timers {
  /** Calls `callback` once after `ms`; the returned function cancels it (a no-op once it ran). */
  after(ms: number, callback: () => void): () => void;
}

export const systemTimers: Timers = {
  after: (ms, callback) => {
    const timer = setTimeout(callback, ms);
    return () => {
      clearTimeout(timer);
    };
  },
};
