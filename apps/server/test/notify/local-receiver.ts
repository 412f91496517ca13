import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface LocalReceiver {
  readonly url: string;
  readonly received: ReceivedRequest[];
  /** Resolves with the request numbered `index` (0-based) once it has arrived. */
  nth(index: number): Promise<ReceivedRequest>;
  close(): Promise<void>;
}

export type Answer = (request: ReceivedRequest, index: number) => { status: number; body?: string };

/** A real HTTP server on a free loopback port that records every POST and answers as scripted. */
export const startReceiver = async (
  answer: Answer = () => ({ status: 200, body: 'ok' }),
): Promise<LocalReceiver> => {
  const received: ReceivedRequest[] = [];
  const waiters: { index: number; resolve: (request: ReceivedRequest) => void }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = {
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const index = received.length;
      received.push(entry);
      const { status, body } = answer(entry, index);
      response.writeHead(status, { 'content-type': 'text/plain' }).end(body ?? '');
      for (const waiter of waiters.filter((item) => item.index === index)) waiter.resolve(entry);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    nth: (index) => {
      const found = received[index];
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ index, resolve }));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
};
