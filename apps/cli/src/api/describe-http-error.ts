import type { ErrorBody } from '@kubently/protocol';

import type { Connection } from '../config/index.js';
import { KubentlyError } from '../kubently-error.js';

/** Turns an HTTP error answer into an error whose message says what to do next. */
export function describeHttpError(
  connection: Connection,
  status: number,
  body: ErrorBody | null,
  text: string,
): KubentlyError {
  if (body === null) {
    const excerpt = text.slice(0, 200).trim();
    const code =
      status === 401
        ? 'unauthorized'
        : status === 403
          ? 'forbidden'
          : status === 404
            ? 'not_found'
            : 'internal';
    return new KubentlyError(
      code,
      `unexpected HTTP ${status} from ${connection.url}${excerpt === '' ? '' : `: ${excerpt}`} (is ${connection.urlSource} pointing at a Kubently server?)`,
      { details: { status } },
    );
  }
  const { code, message, details } = body.error;
  const options = { details: { status, ...(details ?? {}) } };
  if (code === 'unauthorized') {
    return new KubentlyError(
      code,
      connection.apiKey === undefined
        ? `no API key was given and ${connection.url} requires one: set KUBENTLY_API_KEY, pass --api-key, or run \`kubently config set-server NAME --url ${connection.url} --key KEY\``
        : `the API key was rejected by ${connection.url}: check KUBENTLY_API_KEY / --api-key or run \`kubently config set-server NAME --url ${connection.url} --key KEY\``,
      options,
    );
  }
  if (code === 'forbidden') {
    return new KubentlyError(
      code,
      `${message} (the API key's role may not do this: use a key with the right role)`,
      options,
    );
  }
  return new KubentlyError(code, message, options);
}
