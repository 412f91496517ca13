import type { Connection } from '../config/index.js';
import { KubentlyError } from '../kubently-error.js';

/** fetch rejects with a TypeError whose `cause` carries the socket error code. */
export function describeNetworkError(connection: Connection, error: unknown): KubentlyError {
  const cause = error instanceof Error ? error.cause : undefined;
  const code =
    cause !== null && typeof cause === 'object' && 'code' in cause && typeof cause.code === 'string'
      ? cause.code
      : undefined;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new KubentlyError(
      'command_timeout',
      `${connection.url} sent no complete answer within fetch's 300 s limit (${code}): use a shorter --timeout`,
      { cause: error, details: { url: connection.url } },
    );
  }
  const causeMessage = cause instanceof Error ? cause.message : undefined;
  const reason = code ?? causeMessage ?? (error instanceof Error ? error.message : String(error));
  return new KubentlyError(
    'server_unreachable',
    `no Kubently server at ${connection.url} (${reason}, URL from ${connection.urlSource}): start one with \`kubently up\`, or point --api-url / KUBENTLY_API_URL at yours`,
    { cause: error, details: { url: connection.url } },
  );
}
