import { KubentlyError } from '../../errors/kubently-error.js';

/**
 * Messages of failures that mean "Redis is away or stalled": socket errors, ioredis refusing to
 * queue while disconnected (no offline queue), a command that got no reply within
 * `commandTimeout`, a connection dropped with replies outstanding, a Redis that is loading,
 * read-only or without a master, a Redis Cluster between a primary's death and its replica's
 * promotion (slots down, redirections running out, TRYAGAIN).
 */
const connectionFailure =
  /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|Connection is closed|enableOfflineQueue|Stream isn't writeable|MaxRetriesPerRequest|max retries per request|Command timed out|Socket timeout|Command aborted due to connection close|LOADING|READONLY|BUSY|CLUSTERDOWN|MASTERDOWN|All sentinels are unreachable|Failed to refresh slots cache|Cluster isn't ready|Too many Cluster redirections|None of startup nodes is available|TRYAGAIN/i;

const firstLine = (message: string): string => (message.split('\n')[0] ?? message).slice(0, 300);

/**
 * `unreachable`: the backend is away or stalled. `refused`: Redis answered with an error reply
 * (WRONGTYPE, a failing script, OOM ...), typically a key holding data this server did not write.
 * `other`: not a Redis failure (a bug); it passes through unchanged.
 */
const classify = (error: Error, isReady: boolean): 'unreachable' | 'refused' | 'other' => {
  if (!isReady || connectionFailure.test(error.message) || error.name === 'ClusterAllFailedError')
    return 'unreachable';
  return error.name === 'ReplyError' ? 'refused' : 'other';
};

/** A Redis failure becomes backend_unavailable (503) with a message saying which kind it is. */
export const toBackendError = (error: unknown, isReady: boolean, where: string): unknown => {
  if (error instanceof KubentlyError || !(error instanceof Error)) return error;
  switch (classify(error, isReady)) {
    case 'unreachable':
      return new KubentlyError(
        'backend_unavailable',
        `the state backend (Redis at ${where}) is unreachable: ${firstLine(error.message)}; the server reconnects by itself, retry shortly or check KUBENTLY_REDIS_URL`,
        { cause: error },
      );
    case 'refused':
      return new KubentlyError(
        'backend_unavailable',
        `the state backend (Redis at ${where}) refused an operation: ${firstLine(error.message)}; a key may hold data this server did not write (the server log names the operation)`,
        { cause: error },
      );
    case 'other':
      return error;
  }
};

/**
 * Wraps every promise-returning method of a state port so its Redis failures map as above;
 * `onRefused` hears each error reply (to count and log it) with the method that got it.
 */
export const guardPort = <T extends object>(
  port: T,
  isReady: () => boolean,
  where: string,
  onRefused: (error: Error, method: string) => void = () => undefined,
): T =>
  new Proxy(port, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => {
        const result: unknown = (value as (...parameters: unknown[]) => unknown).apply(target, args);
        if (!(result instanceof Promise)) return result;
        return result.catch((error: unknown) => {
          const ready = isReady();
          if (
            error instanceof Error &&
            !(error instanceof KubentlyError) &&
            classify(error, ready) === 'refused'
          )
            onRefused(error, String(property));
          throw toBackendError(error, ready, where);
        });
      };
    },
  });
