import { X509Certificate } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { fileURLToPath } from 'node:url';

import { buildExecutorConfig, start as startExecutor } from '@kubently/executor';
import type { RunningExecutor } from '@kubently/executor';
import { createConfig, start as startServer } from '@kubently/server';
import type { RunningServer } from '@kubently/server';
import { pino } from 'pino';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { eventually } from './support/processes.js';
import { makeCa, makeServerCertificate } from './support/test-certificates.js';
import type { PemPair } from './support/test-certificates.js';

const fakeKubectl = fileURLToPath(new URL('../fixtures/fake-kubectl.mjs', import.meta.url));
const adminKey = 'admin-key-0123456789abcdef';

type LogLine = Record<string, unknown> & { msg?: string; level?: number };

/** A pino logger whose JSON lines land in `lines`. */
const capturingLogger = (lines: LogLine[]) =>
  pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });

let dir: string;
let ca: PemPair;
let first: PemPair;
let second: PemPair;
let servers: RunningServer[] = [];
let executors: RunningExecutor[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubently-tls-'));
  ca = await makeCa(dir, 'test-ca');
  first = await makeServerCertificate(dir, ca, 'server-1');
  second = await makeServerCertificate(dir, ca, 'server-2');
  return () => rm(dir, { recursive: true, force: true });
});

afterEach(async () => {
  await Promise.all(executors.map((executor) => executor.close()));
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
  executors = [];
});

/** The certificate files the server reads: copies, so a test can rotate them. */
const servedFiles = async (name: string, pair: PemPair): Promise<PemPair> => {
  const served = { certFile: join(dir, `${name}-served.crt`), keyFile: join(dir, `${name}-served.key`) };
  await copyFile(pair.certFile, served.certFile);
  await copyFile(pair.keyFile, served.keyFile);
  return served;
};

const fingerprintOf = async (pair: PemPair): Promise<string> =>
  new X509Certificate(await readFile(pair.certFile)).fingerprint256;

/** The certificate a new TLS handshake with the server gets, verified against the test CA. */
const presentedFingerprint = async (port: number): Promise<string> => {
  const caPem = await readFile(ca.certFile);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca: caPem, servername: 'localhost' }, () => {
      const fingerprint = socket.getPeerX509Certificate()?.fingerprint256 ?? '';
      socket.end();
      resolve(fingerprint);
    });
    socket.on('error', reject);
  });
};

const startTlsServer = async (files: PemPair, lines: LogLine[]): Promise<RunningServer> => {
  const server = await startServer(
    createConfig({
      port: 0,
      apiKeys: [{ identity: 'root', key: adminKey, role: 'admin' }],
      tlsCertFile: files.certFile,
      tlsKeyFile: files.keyFile,
      tlsReloadSeconds: 1,
    }),
    { logger: capturingLogger(lines) },
  );
  servers.push(server);
  return server;
};

describe('the server over HTTPS', { timeout: 60_000 }, () => {
  it('serves HTTPS; an executor trusting the CA (KUBENTLY_CA_FILE) connects, one that does not is refused', async () => {
    const serverLines: LogLine[] = [];
    const server = await startTlsServer(await servedFiles('a', first), serverLines);
    expect(server.url).toBe(`https://127.0.0.1:${server.port}`);
    // Plain HTTP to the TLS port gets no answer from the API.
    await expect(fetch(`http://127.0.0.1:${server.port}/healthz`)).rejects.toThrow();
    const trusting = new Agent({ connect: { ca: await readFile(ca.certFile, 'utf8') } });
    const created = await undiciFetch(`${server.url}/v1/clusters`, {
      method: 'POST',
      headers: { 'x-api-key': adminKey, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'prod' }),
      dispatcher: trusting,
    });
    expect(created.status).toBe(201);
    const { token } = (await created.json()) as { token: string };

    const base = { apiUrl: server.url, clusterId: 'prod', token, kubectl: fakeKubectl, logLevel: 'silent' };
    const untrustingLines: LogLine[] = [];
    const untrusting = await startExecutor(buildExecutorConfig(base, { PATH: process.env['PATH'] }), {
      logger: capturingLogger(untrustingLines),
    });
    executors.push(untrusting);
    const refused = await eventually(() =>
      untrustingLines.find((line) => line.msg === 'command stream down; reconnecting'),
    );
    expect(String(refused['reason'])).toMatch(/certificate/i);
    expect(untrusting.metrics.isConnected).toBe(false);

    const trustingExecutor = await startExecutor(
      buildExecutorConfig({ ...base, caFile: ca.certFile }, { PATH: process.env['PATH'] }),
    );
    executors.push(trustingExecutor);
    const listed = await eventually(async () => {
      const answer = await undiciFetch(`${server.url}/v1/clusters/prod`, {
        headers: { 'x-api-key': adminKey },
        dispatcher: trusting,
      });
      const cluster = (await answer.json()) as { connected: boolean; executors: number; apiServer?: unknown };
      return cluster.connected && cluster.apiServer != null ? cluster : undefined;
    });
    expect(listed.executors).toBe(1);
    expect(untrusting.metrics.isConnected).toBe(false);
    await trusting.close();
  });

  it('rotates the served certificate when its files change, without dropping the open stream', async () => {
    const lines: LogLine[] = [];
    const files = await servedFiles('b', first);
    const server = await startTlsServer(files, lines);
    expect(await presentedFingerprint(server.port)).toBe(await fingerprintOf(first));
    const trusting = new Agent({ connect: { ca: await readFile(ca.certFile, 'utf8') } });
    const created = await undiciFetch(`${server.url}/v1/clusters`, {
      method: 'POST',
      headers: { 'x-api-key': adminKey, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'prod' }),
      dispatcher: trusting,
    });
    const { token } = (await created.json()) as { token: string };
    const executor = await startExecutor(
      buildExecutorConfig(
        {
          apiUrl: server.url,
          clusterId: 'prod',
          token,
          kubectl: fakeKubectl,
          logLevel: 'silent',
          caFile: ca.certFile,
        },
        { PATH: process.env['PATH'] },
      ),
    );
    executors.push(executor);
    await eventually(() => (executor.metrics.isConnected ? true : undefined));

    // A rotation as cert-manager or a Secret mount does it: both files replaced.
    await copyFile(second.keyFile, files.keyFile);
    await copyFile(second.certFile, files.certFile);
    const reloaded = await eventually(() => lines.find((line) => line.msg === 'TLS certificate reloaded'));
    expect(reloaded['fingerprint256']).toBe(await fingerprintOf(second));
    expect(await presentedFingerprint(server.port)).toBe(await fingerprintOf(second));
    // The executor's stream opened before the rotation is still the same connection.
    expect(executor.metrics.isConnected).toBe(true);
    expect(await executor.metrics.render()).toMatch(/^kubently_executor_reconnects_total(\{[^}]*\})? 0$/m);

    // Half a rotation (a certificate without its key) is refused; the served pair stays.
    await copyFile(first.certFile, files.certFile);
    expect(await server.reloadTls?.()).toBe('invalid');
    expect(await presentedFingerprint(server.port)).toBe(await fingerprintOf(second));
    await copyFile(second.certFile, files.certFile);
    expect(await server.reloadTls?.()).toBe('unchanged');
    await trusting.close();
  });

  it('refuses a key that does not match the certificate, and one file without the other', async () => {
    await expect(
      startServer(createConfig({ port: 0, tlsCertFile: first.certFile, tlsKeyFile: second.keyFile }), {
        logger: pino({ level: 'silent' }),
      }),
    ).rejects.toThrow(/KUBENTLY_TLS_CERT_FILE: .*not a usable PEM certificate and matching key/);
    await expect(
      startServer(createConfig({ port: 0, tlsCertFile: first.certFile }), {
        logger: pino({ level: 'silent' }),
      }),
    ).rejects.toThrow(/KUBENTLY_TLS_KEY_FILE: must be set too/);
  });

  it('warns when it listens beyond loopback in clear, unless TLS is on or terminates at a proxy', async () => {
    const warnings = async (overrides: Parameters<typeof createConfig>[0]): Promise<string[]> => {
      const lines: LogLine[] = [];
      const server = await startServer(
        createConfig({ host: '0.0.0.0', port: 0, publicUrl: 'https://kubently.example.com', ...overrides }),
        { logger: capturingLogger(lines) },
      );
      await server.close();
      return lines.filter((line) => line.level === 40).map((line) => line.msg ?? '');
    };
    expect((await warnings({})).some((msg) => msg.includes('travel in clear'))).toBe(true);
    expect(
      (await warnings({ tlsTerminatedByProxy: true })).some((msg) => msg.includes('travel in clear')),
    ).toBe(false);
    expect(
      (await warnings({ tlsCertFile: first.certFile, tlsKeyFile: first.keyFile })).some((msg) =>
        msg.includes('travel in clear'),
      ),
    ).toBe(false);
  });
});
