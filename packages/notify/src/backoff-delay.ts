/**
 * Full-jitter exponential backoff: attempt 1 waits up to `initialMs`, each later attempt up to
 * twice as long, never more than `maxMs`. `random` is in [0, 1).
 */
export const backoffDelay = (
  attempt: number,
  initialMs: number,
  maxMs: number,
  random: () => number,
): number => {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(ceiling / 2 + (ceiling / 2) * random());
};
