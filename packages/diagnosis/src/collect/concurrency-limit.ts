/** Runs at most `limit` tasks at once, in call order; a task still queued when `signal` aborts never starts. */
export const createConcurrencyLimit = (
  limit: number,
  signal: AbortSignal,
): (<T>(task: () => Promise<T>) => Promise<T>) => {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = (): void => {
    const next = waiting.shift();
    // The slot passes straight to the next task, so a new caller cannot take it in between.
    if (next === undefined) running -= 1;
    else next();
  };
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running < limit) {
      running += 1;
    } else {
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
      });
    }
    try {
      signal.throwIfAborted();
      return await task();
    } finally {
      release();
    }
  };
};
