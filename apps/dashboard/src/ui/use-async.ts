import { useCallback, useEffect, useState } from 'react';

import { messageOf } from '../api/api-error.js';

export type AsyncState<T> =
  | { readonly type: 'loading' }
  | { readonly type: 'ready'; readonly value: T }
  | { readonly type: 'failed'; readonly message: string };

/**
 * Runs `load` on mount and whenever `reload` is called, and every `refreshMs` if given (the
 * previous value stays on screen while a refresh runs, so the page does not jump).
 */
export const useAsync = <T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: readonly unknown[],
  refreshMs?: number,
): { state: AsyncState<T>; reload: () => void } => {
  const [state, setState] = useState<AsyncState<T>>({ type: 'loading' });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => {
    setGeneration((value) => value + 1);
  }, []);
  useEffect(() => {
    const controller = new AbortController();
    const run = (): void => {
      load(controller.signal).then(
        (value) => {
          if (!controller.signal.aborted) setState({ type: 'ready', value });
        },
        (error: unknown) => {
          if (!controller.signal.aborted) setState({ type: 'failed', message: messageOf(error) });
        },
      );
    };
    run();
    const timer = refreshMs === undefined ? undefined : setInterval(run, refreshMs);
    return () => {
      controller.abort();
      if (timer !== undefined) clearInterval(timer);
    };
  }, [...deps, generation, refreshMs]);
  return { state, reload };
};
