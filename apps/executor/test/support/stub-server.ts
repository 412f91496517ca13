import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Command, ExecutorFrame } from '@kubently/protocol';

export interface StubRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

/**
 * A minimal in-test stand-in for the server side of relay-wire.md: one SSE stream (or long-poll),
 * capabilities and results. `resultStatuses` scripts the answers to successive result posts.
 */
export class StubServer {
  readonly requests: StubRequest[] = [];
  readonly resultStatuses: number[] = [];
  /** Scripted answers to successive capabilities posts (204 once exhausted). */
  readonly capabilityStatuses: number[] = [];
  #server: Server | undefined;
  #streams: ServerResponse[] = [];
  #pending: ExecutorFrame[] = [];
  #pollWaiters: (() => void)[] = [];
  #listeners: (() => void)[] = [];
  url = '';

  async listen(): Promise<void> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const path = request.url ?? '/';
        this.requests.push({
          method: request.method ?? 'GET',
          path,
          headers: request.headers,
          body: text === '' ? null : (JSON.parse(text) as unknown),
        });
        this.#handle(path, response);
        this.#listeners.splice(0).forEach((wake) => {
          wake();
        });
      });
    });
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  #handle(path: string, response: ServerResponse): void {
    if (path === '/v1/executor/stream') {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(': hello\n\n');
      this.#streams.push(response);
      response.on('close', () => (this.#streams = this.#streams.filter((s) => s !== response)));
      return;
    }
    if (path.startsWith('/v1/executor/commands')) {
      const answer = (): void => {
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ frames: this.#pending.splice(0) }));
      };
      if (this.#pending.length > 0) {
        answer();
        return;
      }
      const waitSeconds = Number(new URL(path, 'http://x').searchParams.get('wait') ?? '20');
      const timer = setTimeout(() => {
        this.#pollWaiters = this.#pollWaiters.filter((w) => w !== wake);
        answer();
      }, waitSeconds * 1000);
      const wake = (): void => {
        clearTimeout(timer);
        answer();
      };
      this.#pollWaiters.push(wake);
      return;
    }
    if (path === '/v1/executor/capabilities') {
      const status = this.capabilityStatuses.shift() ?? 204;
      if (status === 204) response.writeHead(204).end();
      else
        response
          .writeHead(status, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { code: 'conflict', message: 'scripted' } }));
      return;
    }
    if (path === '/v1/executor/results') {
      const status = this.resultStatuses.shift() ?? 200;
      const body =
        status === 200
          ? { accepted: true, commandId: 'x', duplicate: false }
          : { error: { code: 'x', message: 'scripted' } };
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    response.writeHead(404).end();
  }

  send(command: Command): void {
    const frame: ExecutorFrame = { type: 'command', command };
    if (this.#streams.length > 0) {
      for (const stream of this.#streams)
        stream.write(`event: command\nid: ${command.id}\ndata: ${JSON.stringify(frame)}\n\n`);
      return;
    }
    this.#pending.push(frame);
    this.#pollWaiters.splice(0).forEach((answer) => {
      answer();
    });
  }

  /** Resolves once a request matching `predicate` has been received. */
  async waitFor(predicate: (request: StubRequest) => boolean, count = 1): Promise<StubRequest[]> {
    for (;;) {
      const matching = this.requests.filter(predicate);
      if (matching.length >= count) return matching;
      await new Promise<void>((resolve) => this.#listeners.push(resolve));
    }
  }

  async close(): Promise<void> {
    this.#pollWaiters.splice(0).forEach((answer) => {
      answer();
    });
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.#server?.close(() => {
        resolve();
      }),
    );
  }
}
