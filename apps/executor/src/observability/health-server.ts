import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Health } from '@kubently/protocol';

import type { ExecutorMetrics } from '../telemetry/index.js';

export interface HealthServer {
  readonly url: string;
  close(): Promise<void>;
}

export type HealthChecks = Record<string, { ok: boolean; message?: string }>;

/**
 * Local `GET /healthz` (liveness: 200 while the process runs; the checks are information),
 * `GET /readyz` (readiness: 503 unless every check passes: the server link is up and accepts the
 * token, and the cluster's API server answers the executor) and `GET /metrics` (Prometheus text).
 */
export async function startHealthServer(options: {
  host: string;
  port: number;
  version: string;
  metrics: ExecutorMetrics;
  checks: () => HealthChecks;
}): Promise<HealthServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/healthz' || path === '/readyz') {
      const checks = options.checks();
      const isReady = Object.values(checks).every((check) => check.ok);
      const body: Health = {
        status: path === '/healthz' || isReady ? 'ok' : 'unavailable',
        version: options.version,
        checks,
      };
      response
        .writeHead(body.status === 'ok' ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify(body));
      return;
    }
    if (path === '/metrics') {
      options.metrics.render().then(
        (text) => {
          response.writeHead(200, { 'content-type': options.metrics.contentType }).end(text);
        },
        () => {
          response.writeHead(500, { 'content-type': 'text/plain' }).end('rendering metrics failed\n');
        },
      );
      return;
    }
    response.writeHead(404, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        error: { code: 'not_found', message: 'only GET /healthz, GET /readyz and GET /metrics exist here' },
      }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
