import { request as httpRequest } from 'node:http';

import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';

import { ConfigError, createConfig, start } from '@kubently/server';
import type { RunningServer } from '@kubently/server';

const key = 'viewer-key-0123456789abcdef-auth';
const wrong = 'wrong-key-0123456789abcdef-auth';

/** GET over a real socket from 127.0.0.1, with the headers given (fetch cannot set some of them). */
const get = (
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> =>
  new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });

describe('failed authentication over real sockets: the source is the peer, or the client behind a trusted proxy', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const startServer = async (trustedProxies: string[]): Promise<RunningServer> =>
    start(
      createConfig({
        host: '127.0.0.1',
        port: 0,
        logLevel: 'silent',
        authFailureLimit: 3,
        trustedProxies,
        apiKeys: [{ identity: 'auditor', key, role: 'viewer' }],
      }),
      { logger: pino({ level: 'silent' }) },
    );

  it('without trusted proxies, X-Forwarded-For is ignored: a guesser cannot escape its block by forging it', async () => {
    server = await startServer([]);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const answer = await get(`${server.url}/v1/clusters`, {
        'x-api-key': wrong,
        'x-forwarded-for': `198.51.100.${attempt}`,
      });
      expect(answer.status).toBe(401);
    }
    const forged = await get(`${server.url}/v1/clusters`, {
      'x-api-key': key,
      'x-forwarded-for': '198.51.100.77',
    });
    expect(forged.status).toBe(429);
    expect(forged.headers['retry-after']).toBe('30');
    expect(forged.body).toContain('127.0.0.1');
  });

  it('behind a trusted proxy, each client (X-Forwarded-For) is counted on its own', async () => {
    server = await startServer(['127.0.0.0/8']);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      // The left part of the header is whatever the client wrote; the proxy appended the real peer.
      const answer = await get(`${server.url}/v1/clusters`, {
        'x-api-key': wrong,
        'x-forwarded-for': `10.9.9.${attempt}, 203.0.113.9`,
      });
      expect(answer.status).toBe(401);
    }
    const guesser = await get(`${server.url}/v1/clusters`, {
      'x-api-key': key,
      'x-forwarded-for': '203.0.113.9',
    });
    expect(guesser.status).toBe(429);
    expect(guesser.body).toContain('203.0.113.9');
    const neighbour = await get(`${server.url}/v1/clusters`, {
      'x-api-key': key,
      'x-forwarded-for': '203.0.113.10',
    });
    expect(neighbour.status).toBe(200);
  });

  it('refuses to listen beyond loopback without KUBENTLY_PUBLIC_URL, naming the variable and the fix', async () => {
    const attempt = start(createConfig({ host: '0.0.0.0', port: 0, logLevel: 'silent' }), {
      logger: pino({ level: 'silent' }),
    });
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.toThrow(
      /KUBENTLY_PUBLIC_URL: must be set when the server listens beyond loopback/,
    );
    server = await start(
      createConfig({
        host: '0.0.0.0',
        port: 0,
        logLevel: 'silent',
        publicUrl: 'https://kubently.example.com',
      }),
      { logger: pino({ level: 'silent' }) },
    );
    const card = JSON.parse(
      (
        await get(`http://127.0.0.1:${server.port}/.well-known/agent-card.json`, {
          'a2a-version': '1.0',
          host: 'evil.example',
        })
      ).body,
    ) as { supportedInterfaces: { url: string }[] };
    expect(card.supportedInterfaces[0]?.url).toBe('https://kubently.example.com/a2a');
  });
});
