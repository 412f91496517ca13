import { setTimeout as delay } from 'node:timers/promises';

import type { RunningServer } from '@kubently/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { run } from '../src/run.js';
import { adminKey, sharedFakeKubectl, startTestServer } from './support/start-stack.js';
import { createTestIo, makeTempDir } from './support/test-io.js';
import type { TestIo } from './support/test-io.js';

let server: RunningServer;
let configDir: string;

beforeAll(async () => {
  server = await startTestServer();
  configDir = await makeTempDir();
});

afterAll(async () => {
  await server.close();
});

async function api(args: string[], url = server.url, key = adminKey) {
  const io = createTestIo({
    env: { KUBENTLY_CONFIG_DIR: configDir, KUBENTLY_API_URL: url, KUBENTLY_API_KEY: key },
  });
  const code = await run(args, io);
  return { code, out: io.out(), err: io.err() };
}

async function eventually<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const value = await probe();
    if (value !== undefined) return value;
    await delay(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function isConnected(clusterId: string): Promise<boolean> {
  const { clusters } = JSON.parse((await api(['clusters', 'list', '-o', 'json'])).out) as {
    clusters: { id: string; connected: boolean }[];
  };
  return clusters.some((cluster) => cluster.id === clusterId && cluster.connected);
}

/** Starts a long-running command in-process; `stop()` is Ctrl-C. */
function startCommand(args: string[], env: Record<string, string | undefined>) {
  const controller = new AbortController();
  const io: TestIo = createTestIo({ env, signal: controller.signal });
  const done = run(args, io);
  return {
    io,
    done,
    stop: async (): Promise<number> => {
      controller.abort();
      return done;
    },
  };
}

async function addCluster(id: string): Promise<string> {
  const added = await api(['clusters', 'add', id, '-o', 'json']);
  expect(added.code).toBe(0);
  return (JSON.parse(added.out) as { token: string }).token;
}

describe('kubently executor', () => {
  it('maps its flags to the executor config, relays commands, and stops on Ctrl-C', async () => {
    const token = await addCluster('flags');
    const executor = startCommand(
      [
        'executor',
        '--api-url',
        server.url,
        '--cluster',
        'flags',
        '--token',
        token,
        '--kubectl',
        sharedFakeKubectl,
        '--transport',
        'poll',
        '--mode',
        'readOnly',
        '--log-level',
        'silent',
      ],
      { PATH: process.env['PATH'] },
    );
    await eventually(
      async () => ((await isConnected('flags')) ? true : undefined),
      'the executor to connect',
    );
    expect(executor.io.err()).toContain('Kubently executor for cluster "flags" started');
    expect(executor.io.err()).toContain('poll');
    const result = await api(['exec', 'flags', '--', 'get', 'nodes']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toEqual({ argv: ['get', 'nodes'] });
    expect(await executor.stop()).toBe(0);
    expect(executor.io.err()).toContain('Stopping the executor');
  });

  it("still reads the seed's environment variables", async () => {
    const token = await addCluster('seed');
    const executor = startCommand(['executor'], {
      PATH: process.env['PATH'],
      KUBENTLY_API_URL: server.url,
      CLUSTER_ID: 'seed',
      KUBENTLY_TOKEN: token,
      KUBENTLY_KUBECTL: sharedFakeKubectl,
      LOG_LEVEL: 'silent',
    });
    await eventually(
      async () => ((await isConnected('seed')) ? true : undefined),
      'the seed-configured executor',
    );
    expect((await api(['exec', 'seed', '--', 'get', 'pods'])).code).toBe(0);
    expect(await executor.stop()).toBe(0);
  });

  it('exits 2 naming what is missing', async () => {
    const io = createTestIo({ env: {} });
    expect(await run(['executor', '--api-url', server.url, '--cluster', 'x'], io)).toBe(2);
    expect(io.err()).toContain('KUBENTLY_TOKEN');
    expect(io.err()).toContain('--token');
  });
});

describe('kubently serve', () => {
  it('starts a server (flags over env), prints a generated admin key, and stops on Ctrl-C', async () => {
    const serve = startCommand(['serve', '--port', '0', '--log-level', 'silent'], { KUBENTLY_PORT: '1' });
    const url = await eventually(
      () => Promise.resolve(/listening on (http:\S+)/.exec(serve.io.err())?.[1]),
      'the server URL',
    );
    expect(new URL(url).port).not.toBe('1');
    const key = /generated an admin key[^\n]*\n {2}(\S+)/.exec(serve.io.err())?.[1];
    expect(key).toMatch(/^kbt_/);
    const list = await api(['clusters', 'list'], url, key);
    expect(list.code).toBe(0);
    expect(list.out).toContain('No clusters registered');
    expect(await serve.stop()).toBe(0);
    expect((await api(['clusters', 'list'], url, key)).code).toBe(6);
  });

  it('uses KUBENTLY_API_KEYS when set and prints no key', async () => {
    const serve = startCommand(['serve', '--port', '0', '--log-level', 'silent'], {
      KUBENTLY_API_KEYS: `ops:${adminKey}`,
    });
    const url = await eventually(
      () => Promise.resolve(/listening on (http:\S+)/.exec(serve.io.err())?.[1]),
      'the server URL',
    );
    expect(serve.io.err()).not.toContain('generated an admin key');
    expect((await api(['clusters', 'list'], url)).code).toBe(0);
    expect(await serve.stop()).toBe(0);
  });

  it('exits 2 on an invalid environment or flag', async () => {
    const bad = createTestIo({ env: { KUBENTLY_API_KEYS: 'nokey' } });
    expect(await run(['serve'], bad)).toBe(2);
    expect(bad.err()).toContain('KUBENTLY_API_KEYS');
    const port = createTestIo({ env: {} });
    expect(await run(['serve', '--port', '70000'], port)).toBe(2);
    expect(port.err()).toContain('--port must be a whole number from 0 to 65535');
    // Beyond loopback the server must be told its public URL: the agent card is built from it.
    const exposed = createTestIo({ env: {} });
    expect(await run(['serve', '--host', '0.0.0.0', '--port', '0', '--log-level', 'silent'], exposed)).toBe(
      2,
    );
    expect(exposed.err()).toContain(
      'KUBENTLY_PUBLIC_URL: must be set when the server listens beyond loopback',
    );
    const badUrl = createTestIo({ env: {} });
    expect(await run(['serve', '--public-url', 'kubently.example.com'], badUrl)).toBe(2);
    expect(badUrl.err()).toContain('KUBENTLY_PUBLIC_URL: must be an http(s) URL');
  });

  it('listens beyond loopback with --public-url', async () => {
    const serve = startCommand(
      [
        'serve',
        '--host',
        '0.0.0.0',
        '--port',
        '0',
        '--public-url',
        'https://kubently.example.com',
        '--log-level',
        'silent',
      ],
      {},
    );
    const url = await eventually(
      () => Promise.resolve(/listening on (http:\S+)/.exec(serve.io.err())?.[1]),
      'the server URL',
    );
    const card = (await (
      await fetch(`http://127.0.0.1:${new URL(url).port}/.well-known/agent-card.json`, {
        headers: { 'a2a-version': '1.0' },
      })
    ).json()) as { supportedInterfaces: { url: string }[] };
    expect(card.supportedInterfaces[0]?.url).toBe('https://kubently.example.com/a2a');
    expect(await serve.stop()).toBe(0);
  });
});

describe('kubently up (in-process parts)', () => {
  it('exits 2 and says so when the port is taken', async () => {
    const port = new URL(server.url).port;
    const io = createTestIo({ env: { KUBENTLY_CONFIG_DIR: await makeTempDir() } });
    expect(await run(['up', '--port', port, '--log-level', 'silent'], io)).toBe(2);
    expect(io.err()).toContain('EADDRINUSE');
    expect(io.err()).toContain('pick another --port');
  });
});
