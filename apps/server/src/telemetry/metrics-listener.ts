import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Logger } from '../support/logger.js';

export interface MetricsListener {
  /** e.g. `http://127.0.0.1:9090` with the real port. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A listener of its own serving only `GET /metrics`, unauthenticated: for Prometheus scraping the
 * pod network (a PodMonitor or ServiceMonitor on the `metrics` port) without a secret to mount.
 * Metrics carry no secrets and only bounded labels; bind it to an address only scrapers reach.
 */
export const startMetricsListener = async (options: {
  host: string;
  port: number;
  render: () => Promise<string>;
  contentType: string;
  logger: Logger;
}): Promise<MetricsListener> => {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics is served here\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    options.render().then(
      (body) => {
        response.writeHead(200, { 'content-type': options.contentType }).end(body);
      },
      (error: unknown) => {
        options.logger.error({ err: error }, 'rendering metrics failed');
        response.writeHead(500, { 'content-type': 'text/plain' }).end('rendering metrics failed\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
};
