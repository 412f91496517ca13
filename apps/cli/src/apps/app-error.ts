import { KubentlyError } from '../kubently-error.js';

/**
 * The server and the executor throw their own error types (a config error naming the variable, or
 * their KubentlyError); the CLI reports a bad configuration as a usage error and keeps the message.
 */
export function fromAppError(error: unknown, what: string): unknown {
  if (!(error instanceof Error) || error instanceof KubentlyError) return error;
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  if (error.name === 'ConfigError' || code === 'validation_failed' || code === 'bad_request') {
    return new KubentlyError('usage', `invalid ${what} configuration: ${error.message}`, { cause: error });
  }
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    return new KubentlyError(
      'usage',
      `${what} could not listen (${code}): ${error.message}; is another Kubently running there? stop it or pick another --port`,
      {
        cause: error,
      },
    );
  }
  return error;
}
