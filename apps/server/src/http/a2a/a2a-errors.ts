import { A2AError, RequestMalformedError, TaskNotFoundError } from '@a2a-js/sdk/errors';

import { isKubentlyError } from '../../errors/kubently-error.js';

/** JSON-RPC error codes for failures before the A2A handler runs (transport level). */
export const jsonRpcCodes = {
  parseError: -32700,
  invalidRequest: -32600,
  internal: -32603,
} as const;

/**
 * The one mapping from a server error to an A2A error (the SDK turns it into the JSON-RPC error):
 * bad input is a malformed request, unknown ids are task-not-found, everything else keeps our
 * message (written to be shown) under the internal code. Errors that are not ours are bugs: their
 * text stays in the log.
 */
export const toA2aError = (error: unknown): unknown => {
  if (error instanceof A2AError) return error;
  if (!isKubentlyError(error)) {
    return new A2AError('internal error; the server log has the details (search for the correlation id)');
  }
  if (error.code === 'bad_request' || error.code === 'validation_failed') {
    return new RequestMalformedError(error.message);
  }
  if (error.code === 'not_found') return new TaskNotFoundError(error.message);
  return new A2AError(`${error.code}: ${error.message}`);
};

/** Runs `work`, rethrowing its failure as an A2A error. */
export const asA2a = async <T>(work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    throw toA2aError(error);
  }
};
