/**
 * Settles with null as soon as `signal` aborts, else as `work` does. CommandService withdraws an
 * undelivered command on abort and ends a delivered one (its executor is sent `cancel`); callers
 * that stop here do not depend on the state backend answering, and the late outcome is observed
 * and dropped.
 */
export const untilAborted = <T>(work: Promise<T>, signal: AbortSignal): Promise<T | null> =>
  new Promise<T | null>((resolve, reject) => {
    const onAbort = (): void => {
      resolve(null);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
