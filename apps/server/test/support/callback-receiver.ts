import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

import { callbackHeaders, verifyCallback } from '../../src/commands/callback-signature.js';

export interface ReceivedDelivery {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The raw body, exactly as received. */
  readonly body: string;
  /** The receiver's verdict on the signature, as docs/api.md tells receivers to check it. */
  readonly verified: boolean;
  readonly reason: string | null;
}

export interface CallbackReceiver {
  readonly url: string;
  readonly received: ReceivedDelivery[];
  /** Resolves with the n-th delivery (1-based) once it has arrived. */
  nth(n: number): Promise<ReceivedDelivery>;
  /** Resolves with the first delivery (past or future) that `predicate` accepts. */
  waitFor(predicate: (delivery: ReceivedDelivery) => boolean): Promise<ReceivedDelivery>;
  close(): Promise<void>;
}

export interface ReceiverAnswer {
  readonly status: number;
  readonly headers?: Record<string, string>;
}

/**
 * A real HTTP receiver on 127.0.0.1 that verifies each delivery's signature with `secret` against
 * `now()` and answers with the next of `answers` (then 200).
 */
export const startCallbackReceiver = async (options: {
  readonly secret: string;
  readonly now: () => number;
  readonly answers?: readonly ReceiverAnswer[];
}): Promise<CallbackReceiver> => {
  const answers = [...(options.answers ?? [])];
  const received: ReceivedDelivery[] = [];
  const waiters: { n: number; resolve: (delivery: ReceivedDelivery) => void }[] = [];
  const watchers: {
    predicate: (delivery: ReceivedDelivery) => boolean;
    resolve: (delivery: ReceivedDelivery) => void;
  }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = (name: string): string | undefined => {
        const value = request.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      const verdict = verifyCallback({
        secret: options.secret,
        body,
        timestamp: header(callbackHeaders.timestamp),
        signature: header(callbackHeaders.signature),
        nowMs: options.now(),
      });
      const delivery: ReceivedDelivery = {
        path: request.url ?? '',
        headers: request.headers,
        body,
        verified: verdict.valid,
        reason: verdict.valid ? null : verdict.reason,
      };
      received.push(delivery);
      for (const waiter of waiters.filter((candidate) => candidate.n === received.length))
        waiter.resolve(delivery);
      for (const watcher of watchers.filter((candidate) => candidate.predicate(delivery))) {
        watchers.splice(watchers.indexOf(watcher), 1);
        watcher.resolve(delivery);
      }
      const answer = answers.shift() ?? { status: verdict.valid ? 200 : 401 };
      response.writeHead(answer.status, answer.headers).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    received,
    nth: (n) => {
      const already = received[n - 1];
      if (already !== undefined) return Promise.resolve(already);
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    waitFor: (predicate) => {
      const already = received.find(predicate);
      if (already !== undefined) return Promise.resolve(already);
      return new Promise((resolve) => watchers.push({ predicate, resolve }));
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
};
