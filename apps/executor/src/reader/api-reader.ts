import { readFile } from 'node:fs/promises';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

import type { ReadRequest } from '@kubently/protocol';
import { readLimits } from '@kubently/protocol';
import { z } from 'zod';

import type { ApiConnection } from './api-connection.js';
import { ReadPages } from './read-pages.js';

/** What one read produced; never thrown for an API answer. */
export type ReadOutcome =
  | {
      readonly type: 'list';
      /** A List (or Table) as JSON, Secret values already reduced. */
      readonly stdout: string;
      readonly items: number;
      readonly pages: number;
      readonly redactions: number;
      /** Set when the output cap stopped the read at a page boundary. */
      readonly continue: string | undefined;
    }
  /** The API server answered with an error status; `stderr` reads like kubectl's. */
  | { readonly type: 'api-error'; readonly status: number; readonly stderr: string }
  /** One object alone is larger than the output cap. */
  | { readonly type: 'too-large'; readonly message: string }
  /** No answer (connection refused, TLS, timeout). */
  | { readonly type: 'unreachable'; readonly stderr: string };

export interface ReadOptions {
  readonly signal: AbortSignal;
  /** Bytes the List's JSON may have. */
  readonly maxBytes: number;
  readonly timeoutMs: number;
}

const tableAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io, application/json';

/** The API path listing `read`'s collection (all namespaces when none is named). */
export function readPath(read: ReadRequest, pageSize: number, continueToken: string | undefined): string {
  const base = read.group === '' ? `/api/${read.version}` : `/apis/${read.group}/${read.version}`;
  const scope = read.namespace === undefined ? '' : `/namespaces/${read.namespace}`;
  const query = new URLSearchParams({ limit: String(pageSize) });
  if (continueToken !== undefined) query.set('continue', continueToken);
  if (read.as === 'table') query.set('includeObject', 'None');
  return `${base}${scope}/${read.resource}?${query.toString()}`;
}

interface Page {
  readonly status: number;
  readonly body: string;
}

/**
 * Lists collections through the Kubernetes API with the executor's identity, page by page
 * (`limit`/`continue`) over one keep-alive agent. Each page is parsed as it arrives and its Secrets
 * reduced (ReadPages); the List grows until the next page would pass `maxBytes`, where the read
 * stops with `continue` set. A page body larger than twice the cap is abandoned mid-stream.
 */
export class ApiReader {
  readonly #connection: ApiConnection;
  readonly #agent: HttpAgent | HttpsAgent;

  constructor(connection: ApiConnection) {
    this.#connection = connection;
    this.#agent =
      connection.server.protocol === 'https:'
        ? new HttpsAgent({
            keepAlive: true,
            maxSockets: 16,
            ...(connection.ca === undefined ? {} : { ca: connection.ca }),
            ...(connection.clientCertificate === undefined ? {} : { cert: connection.clientCertificate }),
            ...(connection.clientKey === undefined ? {} : { key: connection.clientKey }),
            rejectUnauthorized: !connection.insecureSkipTlsVerify,
          })
        : new HttpAgent({ keepAlive: true, maxSockets: 16 });
  }

  async read(read: ReadRequest, options: ReadOptions): Promise<ReadOutcome> {
    const pages = new ReadPages(read, options.maxBytes);
    let pageSize = read.pageSize ?? readLimits.defaultPageSize;
    let token = read.continue;
    const deadline = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]);
    for (;;) {
      let page: Page | 'too-large';
      try {
        page = await this.#get(
          readPath(read, pageSize, token),
          read.as === 'table',
          options.maxBytes * 2,
          deadline,
        );
      } catch (error) {
        options.signal.throwIfAborted();
        const why = deadline.aborted
          ? `no answer within ${String(options.timeoutMs)} ms (timeout)`
          : String(error);
        return { type: 'unreachable', stderr: `Unable to connect to the server: ${why}\n` };
      }
      if (page !== 'too-large' && page.status !== 200)
        return { type: 'api-error', status: page.status, stderr: apiErrorText(page) };
      const added = page === 'too-large' ? ({ type: 'overflow' } as const) : pages.add(page.body);
      if (added.type === 'invalid') return { type: 'unreachable', stderr: `error: ${added.message}\n` };
      if (added.type === 'added') {
        if (added.continue === undefined) return pages.finish(undefined);
        token = added.continue;
        continue;
      }
      // The page does not fit: stop before it (its token resumes there), or try smaller pages.
      if (pages.count > 0) return pages.finish(token);
      if (pageSize > 1) {
        pageSize = Math.max(1, Math.floor(pageSize / 2));
        continue;
      }
      return {
        type: 'too-large',
        message: `one ${read.resource} object is larger than the output cap (${String(options.maxBytes)} bytes)`,
      };
    }
  }

  close(): void {
    this.#agent.destroy();
  }

  async #get(
    path: string,
    isTable: boolean,
    maxBodyBytes: number,
    signal: AbortSignal,
  ): Promise<Page | 'too-large'> {
    const headers: Record<string, string> = {
      accept: isTable ? tableAccept : 'application/json',
      'user-agent': 'kubently-executor',
    };
    const token = await this.#token();
    if (token !== null) headers['authorization'] = `Bearer ${token}`;
    const url = apiUrl(this.#connection.server, path);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<Page | 'too-large'>((resolve, reject) => {
      const request = send(
        url,
        { method: 'GET', headers, agent: this.#agent, signal },
        (response: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let bytes = 0;
          response.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            if (bytes > maxBodyBytes) {
              response.destroy();
              resolve('too-large');
              return;
            }
            chunks.push(chunk);
          });
          response.once('error', reject);
          response.once('end', () => {
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
          });
        },
      );
      request.once('error', reject);
      request.end();
    });
  }

  async #token(): Promise<string | null> {
    const { token, tokenFile } = this.#connection;
    if (tokenFile !== null) return (await readFile(tokenFile, 'utf8')).trim();
    return token;
  }
}

const statusSchema = z.object({ reason: z.string().optional(), message: z.string().optional() });

/** `Error from server (Forbidden): <message>`, as kubectl prints a Status, so callers classify both alike. */
function apiErrorText(page: Page): string {
  let reason = `HTTP ${String(page.status)}`;
  let message = page.body.slice(0, 500);
  try {
    const status = statusSchema.safeParse(JSON.parse(page.body));
    if (status.success) {
      if (status.data.reason !== undefined && status.data.reason !== '') reason = status.data.reason;
      if (status.data.message !== undefined) message = status.data.message;
    }
  } catch {
    // Not a Status: keep the start of the body.
  }
  return `Error from server (${reason}): ${message.replace(/[^\x20-\x7e]/g, '?').slice(0, 500)}\n`;
}

/**
 * The API path under the kubeconfig's server URL, keeping a path prefix the server has (a proxy
 * such as `https://host/k8s/clusters/c-x`): `new URL(path, server)` would drop it and send the
 * cluster's token to another endpoint.
 */
export const apiUrl = (server: string | URL, path: string): URL => {
  const wanted = new URL(path, 'http://api.invalid');
  const url = new URL(server);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${wanted.pathname}`;
  url.search = wanted.search;
  return url;
};
