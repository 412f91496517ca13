import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Command, ExecutorFrame } from '@kubently/protocol';
import { afterEach, describe, expect, it } from 'vitest';

import { ServerClient } from '../src/link/server-client.js';
import { runSseLink } from '../src/link/sse-link.js';
import { TokenRejection } from '../src/link/token-rejection.js';
import { silentLogger } from './support/silent-logger.js';

function command(id: string): Command {
  return {
    id,
    clusterId: 'prod',
    args: ['get', 'pods'],
    timeoutSeconds: 10,
    correlationId: `corr-${id}`,
    issuedAt: new Date(0).toISOString(),
  };
}

/** A tiny stand-in for the server's stream endpoint: each connection runs the next scripted step. */
async function streamServer(steps: ((response: ServerResponse) => void)[]): Promise<{
  url: string;
  requests: IncomingHttpHeaders[];
  server: Server;
}> {
  const requests: IncomingHttpHeaders[] = [];
  const server = createServer((request, response) => {
    requests.push(request.headers);
    const step = steps[requests.length - 1];
    if (step === undefined) {
      response.writeHead(503).end('no more steps');
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    step(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, server };
}

describe('runSseLink', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
  });

  it('parses events, resumes with Last-Event-ID and reconnects on silence', async () => {
    const frames: ExecutorFrame[] = [];
    const events: string[] = [];
    const abort = new AbortController();
    const connected = {
      type: 'connected',
      clusterId: 'prod',
      executorId: 'e1',
      serverVersion: '0.1.0',
      keepaliveSeconds: 15,
    };
    const stub = await streamServer([
      (response) => {
        response.write(`event: connected\ndata: ${JSON.stringify(connected)}\n\n`);
        response.write(': keepalive 2026-01-01T00:00:00Z\n\n');
        // One event whose JSON spans two data lines, written in two chunks.
        const json = JSON.stringify({ type: 'command', command: command('c1') });
        const cut = json.indexOf(',');
        response.write(`event: command\nid: c1\ndata: ${json.slice(0, cut + 1)}\n`);
        response.end(`data: ${json.slice(cut + 1)}\n\n`);
      },
      (response) => {
        response.write(
          `event: command\nid: c2\ndata: ${JSON.stringify({ type: 'command', command: command('c2') })}\n\n`,
        );
        response.write('event: command\ndata: {not json\n\n');
        // then silence: the watchdog must reconnect
      },
      (response) => {
        response.write(`event: connected\ndata: ${JSON.stringify(connected)}\n\n`);
      },
    ]);
    server = stub.server;
    const client = new ServerClient({
      apiUrl: stub.url,
      clusterId: 'prod',
      token: 'secret-token',
      executorId: 'e1',
      fetch: (input, init) => fetch(input, init),
    });
    const done = runSseLink({
      client,
      logger: silentLogger,
      rejection: new TokenRejection({
        logger: silentLogger,
        capMs: 600_000,
        random: () => 0,
        onChange: () => undefined,
      }),
      watchdogMs: 1000,
      maxBackoffMs: 1000,
      sleep: () => Promise.resolve(),
      random: () => 0,
      signal: abort.signal,
      handlers: {
        onConnected: () => events.push('up'),
        onDisconnected: () => events.push('down'),
        onFrame: (frame) => {
          frames.push(frame);
          if (frames.length === 4) abort.abort();
        },
      },
    });
    await done;
    expect(frames.map((f) => (f.type === 'command' ? f.command.id : f.type))).toEqual([
      'connected',
      'c1',
      'c2',
      'connected',
    ]);
    expect(stub.requests.map((h) => h['last-event-id'] ?? null)).toEqual([null, 'c1', 'c2']);
    expect(stub.requests[0]).toMatchObject({
      authorization: 'Bearer secret-token',
      'x-cluster-id': 'prod',
      'x-executor-id': 'e1',
      accept: 'text/event-stream',
    });
    expect(events).toEqual(['up', 'down', 'up', 'down', 'up', 'down']);
  });

  it('parses cancel frames and skips events it does not know without dropping the stream', async () => {
    const frames: ExecutorFrame[] = [];
    const events: string[] = [];
    const abort = new AbortController();
    const stub = await streamServer([
      (response) => {
        // What an executor older than a frame sees: an unknown event, then the stream goes on.
        response.write(`event: future-frame\ndata: ${JSON.stringify({ type: 'future-frame', x: 1 })}\n\n`);
        response.write(
          `event: cancel\ndata: ${JSON.stringify({ type: 'cancel', commandId: 'c1', reason: 'the caller went away' })}\n\n`,
        );
        response.write(
          `event: command\nid: c2\ndata: ${JSON.stringify({ type: 'command', command: command('c2') })}\n\n`,
        );
      },
    ]);
    server = stub.server;
    const client = new ServerClient({
      apiUrl: stub.url,
      clusterId: 'prod',
      token: 'secret-token',
      executorId: 'e1',
      fetch: (input, init) => fetch(input, init),
    });
    await runSseLink({
      client,
      logger: silentLogger,
      rejection: new TokenRejection({
        logger: silentLogger,
        capMs: 600_000,
        random: () => 0,
        onChange: () => undefined,
      }),
      watchdogMs: 5000,
      maxBackoffMs: 1000,
      sleep: () => Promise.resolve(),
      random: () => 0,
      signal: abort.signal,
      handlers: {
        onConnected: () => events.push('up'),
        onDisconnected: () => events.push('down'),
        onFrame: (frame) => {
          frames.push(frame);
          if (frames.length === 2) abort.abort();
        },
      },
    });
    expect(frames).toEqual([
      { type: 'cancel', commandId: 'c1', reason: 'the caller went away' },
      { type: 'command', command: command('c2') },
    ]);
    expect(events).toEqual(['up', 'down']);
  });

  it('backs off while the server refuses the stream', async () => {
    const delays: number[] = [];
    const abort = new AbortController();
    const stub = await streamServer([]);
    server = stub.server;
    const client = new ServerClient({
      apiUrl: stub.url,
      clusterId: 'prod',
      token: 't',
      executorId: 'e1',
      fetch: (input, init) => fetch(input, init),
    });
    await runSseLink({
      client,
      logger: silentLogger,
      rejection: new TokenRejection({
        logger: silentLogger,
        capMs: 600_000,
        random: () => 0,
        onChange: () => undefined,
      }),
      watchdogMs: 10_000,
      maxBackoffMs: 4000,
      sleep: (ms) => {
        delays.push(ms);
        if (delays.length === 6) abort.abort();
        return Promise.resolve();
      },
      random: () => 0.999,
      signal: abort.signal,
      handlers: { onConnected: () => undefined, onDisconnected: () => undefined, onFrame: () => undefined },
    });
    expect(delays).toEqual([499, 999, 1998, 3996, 3996, 3996]);
  });
});
