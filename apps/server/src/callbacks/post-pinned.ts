import { request as httpRequest } from 'node:http';
import type { LookupFunction } from 'node:net';
import { request as httpsRequest } from 'node:https';

import type { CallbackTarget } from './callback-target.js';

/** Bytes of a receiver's answer read before the connection is dropped (only the status matters). */
const maxAnswerBytes = 64 * 1024;

/**
 * POSTs `body` to the target's URL, connecting to the already checked address whatever the name
 * resolves to now (TLS still verifies the certificate for the URL's host name). Redirects are
 * never followed: a 3xx is answered as it came. Resolves with the HTTP status; rejects on network
 * errors, `timeoutMs` (of silence, and of the whole exchange: a network guard on the wall clock,
 * not a schedule tests drive) or `signal`.
 */
export const postPinned = (
  target: CallbackTarget,
  body: string,
  headers: Readonly<Record<string, string>>,
  options: { readonly timeoutMs: number; readonly signal: AbortSignal },
): Promise<number> =>
  new Promise((resolve, reject) => {
    const { address, family } = target.address;
    const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
      if (lookupOptions.all === true) callback(null, [{ address, family }]);
      else callback(null, address, family);
    };
    const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(
      target.url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: pinned,
        timeout: options.timeoutMs,
        // The socket timeout above catches silence; this bounds a receiver that drips bytes.
        signal: AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]),
        agent: false,
      },
      (response) => {
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > maxAnswerBytes) response.destroy();
        });
        response.on('close', () => {
          resolve(response.statusCode ?? 0);
        });
        response.on('error', () => {
          resolve(response.statusCode ?? 0);
        });
      },
    );
    request.on('timeout', () => {
      request.destroy(new Error(`no answer within ${String(options.timeoutMs)} ms`));
    });
    request.on('error', reject);
    request.end(body);
  });
