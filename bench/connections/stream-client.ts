import { request } from 'node:http';
import type { Agent, ClientRequest } from 'node:http';

/** Totals shared by every stream of one bench run. */
export interface StreamCounters {
  connected: number;
  keepalives: number;
  commands: number;
  resultsPosted: number;
  resultErrors: number;
  streamErrors: number;
}

export interface StreamOptions {
  readonly baseUrl: URL;
  readonly token: string;
  readonly executorId: string;
  readonly localAddress: string;
  /** Pool for `POST /v1/executor/results` (keep-alive, bounded sockets). */
  readonly resultAgent: Agent;
  readonly counters: StreamCounters;
}

/** A posted result with everything the server requires and nothing else: no kubectl runs. */
function postResult(options: StreamOptions, commandId: string): void {
  const body = JSON.stringify({
    commandId,
    exitCode: 0,
    stdout: 'ok\n',
    stderr: '',
    durationMs: 0,
    truncated: false,
    redactions: 0,
    executorId: options.executorId,
  });
  const req = request(
    new URL('/v1/executor/results', options.baseUrl),
    {
      method: 'POST',
      agent: options.resultAgent,
      headers: {
        authorization: `Bearer ${options.token}`,
        'x-executor-id': options.executorId,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      },
      timeout: 30_000,
    },
    (res) => {
      res.resume();
      if (res.statusCode === 200) options.counters.resultsPosted += 1;
      else options.counters.resultErrors += 1;
    },
  );
  req.on('timeout', () => req.destroy(new Error('result post timed out')));
  req.on('error', () => {
    options.counters.resultErrors += 1;
  });
  req.end(body);
}

/**
 * Opens one lightweight executor SSE stream (`GET /v1/executor/stream`) on its own socket. Parses
 * only event names, ids and keepalive comments; answers each `command` at once. Resolves when the
 * `connected` event arrives, rejects if the stream fails before that.
 */
export function openStream(options: StreamOptions): Promise<ClientRequest> {
  return new Promise((resolve, reject) => {
    let opened = false;
    const req = request(new URL('/v1/executor/stream', options.baseUrl), {
      method: 'GET',
      agent: false,
      localAddress: options.localAddress,
      headers: {
        authorization: `Bearer ${options.token}`,
        'x-executor-id': options.executorId,
        accept: 'text/event-stream',
      },
    });
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`stream answered ${res.statusCode ?? 0}`));
        return;
      }
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
          if (block.startsWith(':')) {
            options.counters.keepalives += 1;
            continue;
          }
          let event = '';
          let id = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('id:')) id = line.slice(3).trim();
          }
          if (event === 'connected' && !opened) {
            opened = true;
            options.counters.connected += 1;
            resolve(req);
          } else if (event === 'command' && id !== '') {
            options.counters.commands += 1;
            postResult(options, id);
          }
        }
      });
      res.on('error', () => {
        if (opened) options.counters.streamErrors += 1;
      });
      res.on('close', () => {
        if (opened) options.counters.connected -= 1;
      });
    });
    req.on('error', (error) => {
      if (opened) options.counters.streamErrors += 1;
      else reject(error);
    });
    req.end();
  });
}
