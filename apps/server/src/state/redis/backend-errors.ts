import { KubentlyError } from '../../errors/kubently-error.js';

const connectionFailure =
  /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|Connection is closed|enableOfflineQueue|Stream isn't writeable|MaxRetriesPerRequest|LOADING|READONLY|CLUSTERDOWN|MASTERDOWN|All sentinels are unreachable|Failed to refresh slots cache/i;

/** A Redis failure that says "the backend is away" becomes backend_unavailable (503). */
export const toBackendError = (error: unknown, isReady: boolean, where: string): unknown => {
  if (error instanceof KubentlyError || !(error instanceof Error)) return error;
  if (isReady && !connectionFailure.test(error.message)) return error;
  return new KubentlyError(
    'backend_unavailable',
    `the state backend (Redis at ${where}) is unreachable: ${error.message}; the server reconnects by itself, retry shortly or check KUBENTLY_REDIS_URL`,
    { cause: error },
  );
};

/** Wraps every promise-returning method of a state port so its Redis failures map as above. */
export const guardPort = <T extends object>(port: T, isReady: () => boolean, where: string): T =>
  new Proxy(port, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => {
        const result: unknown = (value as (...parameters: unknown[]) => unknown).apply(target, args);
        if (!(result instanceof Promise)) return result;
        return result.catch((error: unknown) => {
          throw toBackendError(error, isReady(), where);
        });
      };
    },
  });
