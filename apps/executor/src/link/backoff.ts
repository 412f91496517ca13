/**
 * Exponential backoff with full jitter: a uniform delay in [0, min(cap, base * 2^attempt)). Spreads
 * reconnecting executors so a restarted server is not hit by all of them at the same instant.
 */
export function backoffDelayMs(
  attempt: number,
  options: { baseMs: number; capMs: number; random: () => number },
): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(options.random() * ceiling);
}
