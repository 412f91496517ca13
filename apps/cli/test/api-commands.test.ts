import { setTimeout as delay } from 'node:timers/promises';

import type { RunningExecutor } from '@kubently/executor';
import type { RunningServer } from '@kubently/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { run } from '../src/run.js';
import { adminKey, startTestExecutor, startTestServer, viewerKey } from './support/start-stack.js';
import { createTestIo, makeTempDir } from './support/test-io.js';

let server: RunningServer;
let executor: RunningExecutor | undefined;
let configDir: string;

async function kubently(args: string[], env: Record<string, string> = {}) {
  const io = createTestIo({
    env: { KUBENTLY_CONFIG_DIR: configDir, KUBENTLY_API_URL: server.url, KUBENTLY_API_KEY: adminKey, ...env },
  });
  const code = await run(args, io);
  return { code, out: io.out(), err: io.err() };
}

async function waitConnected(clusterId: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const { out } = await kubently(['clusters', 'list', '-o', 'json']);
    const { clusters } = JSON.parse(out) as { clusters: { id: string; connected: boolean }[] };
    if (clusters.some((cluster) => cluster.id === clusterId && cluster.connected)) return;
    await delay(50);
  }
  throw new Error(`executor of ${clusterId} never connected`);
}

beforeAll(async () => {
  configDir = await makeTempDir();
  server = await startTestServer();
  const added = await kubently(['clusters', 'add', 'prod', '-o', 'json']);
  expect(added.code).toBe(0);
  const { token } = JSON.parse(added.out) as { token: string };
  executor = await startTestExecutor(server.url, 'prod', token);
  await waitConnected('prod');
});

afterAll(async () => {
  await executor?.close();
  await server.close();
});

describe('kubently exec against a real server and executor', () => {
  it('prints kubectl stdout and exits 0', async () => {
    const result = await kubently(['exec', 'prod', '--', 'get', 'pods', '-A']);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toEqual({ argv: ['get', 'pods', '-A'] });
  });

  it('passes -n through as a namespace and accepts args without `--`', async () => {
    const result = await kubently(['exec', 'prod', '-n', 'kube-system', 'get', 'pods']);
    expect(result.code).toBe(0);
    const { argv } = JSON.parse(result.out) as { argv: string[] };
    expect(argv.slice(0, 2)).toEqual(['get', 'pods']);
    expect(argv.join(' ')).toMatch(/--namespace[= ]kube-system/);
  });

  it("exits with kubectl's own exit code and prints its stderr", async () => {
    const result = await kubently(['exec', 'prod', '--', 'get', 'fake-exit-42']);
    expect(result.code).toBe(42);
    expect(result.err).toContain('fake failure');
  });

  it('exits 3 with the reason on a policy denial (nothing runs)', async () => {
    const result = await kubently(['exec', 'prod', '--', 'delete', 'pod', 'x']);
    expect(result.code).toBe(3);
    expect(result.out).toBe('');
    expect(result.err).toMatch(/^kubently: denied by policy: .*delete/);
  });

  it('exits 124 with what to do when the command times out', async () => {
    const result = await kubently(['exec', 'prod', '--timeout', '1', '--', 'get', 'fake-sleep-5']);
    expect(result.code).toBe(124);
    expect(result.err).toMatch(/timed out|did not finish within 1s/);
    expect(result.err).toContain('--timeout');
  });

  it('redacts Secret values and says so on stderr', async () => {
    const result = await kubently(['exec', 'prod', '--', 'get', 'secret', 'db', '-o', 'json']);
    expect(result.code).toBe(0);
    expect(result.out).not.toContain('c3VwZXJzZWNyZXQ=');
    expect(result.out).toContain('<redacted');
    expect(result.err).toMatch(/secret value\(s\) redacted/);
  });

  it('exits 7 with the executor command when no executor is connected', async () => {
    expect((await kubently(['clusters', 'add', 'idle'])).code).toBe(0);
    const result = await kubently(['exec', 'idle', '--', 'get', 'pods']);
    expect(result.code).toBe(7);
    expect(result.err).toContain('no executor is connected for cluster "idle"');
    expect(result.err).toContain(`kubently executor --api-url ${server.url} --cluster idle --token`);
  });

  it('exits 5 for an unknown cluster and says how to add it', async () => {
    const result = await kubently(['exec', 'nope', '--', 'get', 'pods']);
    expect(result.code).toBe(5);
    expect(result.err).toContain('kubently clusters add nope');
  });
});

describe('connection flags', () => {
  it('work before the command and win over the environment', async () => {
    const env = { KUBENTLY_API_URL: 'http://127.0.0.1:9', KUBENTLY_API_KEY: 'wrong-key-000000000000' };
    const before = await kubently(
      ['--api-url', server.url, `--api-key=${adminKey}`, 'clusters', 'list'],
      env,
    );
    expect(before.err).toBe('');
    expect(before.out).toMatch(/^prod\s+yes/m);
    const after = await kubently(
      ['clusters', 'list', '-o', 'json', '--api-url', server.url, '--api-key', adminKey],
      env,
    );
    expect(after.code).toBe(0);
  });

  it('--server picks a saved server', async () => {
    const dir = await makeTempDir();
    const save = createTestIo({ env: { KUBENTLY_CONFIG_DIR: dir } });
    expect(
      await run(['config', 'set-server', 'test', '--url', server.url, '--key', adminKey, '--no-use'], save),
    ).toBe(0);
    const io = createTestIo({ env: { KUBENTLY_CONFIG_DIR: dir } });
    expect(await run(['exec', 'prod', '--server', 'test', '--', 'get', 'nodes'], io)).toBe(0);
    expect(JSON.parse(io.out())).toEqual({ argv: ['get', 'nodes'] });
  });
});

describe('errors say what to do', () => {
  it('exits 4 when the key is rejected or missing', async () => {
    const wrong = await kubently(['clusters', 'list'], { KUBENTLY_API_KEY: 'not-the-key-000000000' });
    expect(wrong.code).toBe(4);
    expect(wrong.err).toContain('the API key was rejected');
    expect(wrong.err).toContain('kubently config set-server');
    const missing = await kubently(['clusters', 'list'], { KUBENTLY_API_KEY: '' });
    expect(missing.code).toBe(4);
    expect(missing.err).toContain('no API key was given');
  });

  it("exits 4 when the key's role may not do it", async () => {
    const result = await kubently(['clusters', 'add', 'viewer-made'], { KUBENTLY_API_KEY: viewerKey });
    expect(result.code).toBe(4);
    expect(result.err).toContain('role');
  });

  it('exits 6 with `kubently up` when no server listens at the URL', async () => {
    const closed = await startTestServer();
    const url = closed.url;
    await closed.close();
    const result = await kubently(['clusters', 'list'], { KUBENTLY_API_URL: url });
    expect(result.code).toBe(6);
    expect(result.err).toContain(`no Kubently server at ${url}`);
    expect(result.err).toContain('start one with `kubently up`');
  });
});

describe('kubently clusters and audit', () => {
  it('add prints the token once with the exact executor command', async () => {
    const result = await kubently(['clusters', 'add', 'staging']);
    expect(result.code).toBe(0);
    const token = /^ {2}(\S+)$/m.exec(result.out)?.[1];
    expect(token).toBeDefined();
    expect(result.out).toContain(
      `kubently executor --api-url ${server.url} --cluster staging --token ${token!}`,
    );
    expect(result.out).toContain(`CLUSTER_ID=staging KUBENTLY_TOKEN=${token!} kubently executor`);
    const viaNpx = await kubently(['clusters', 'add', 'staging-npx'], { npm_command: 'exec' });
    expect(viaNpx.out).toContain('npx kubently executor --api-url');
    const again = await kubently(['clusters', 'add', 'staging']);
    expect(again.code).toBe(1);
    expect(again.err).toContain('staging');
  });

  it('list shows a table with the connected executor', async () => {
    const result = await kubently(['clusters', 'list']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^CLUSTER\s+CONNECTED\s+EXECUTORS\s+MODE/m);
    expect(result.out).toMatch(/^prod\s+yes\s+1\s+readOnly/m);
    expect(result.out).toMatch(/^idle\s+no\s+0/m);
  });

  it('rotate-token prints a new token and the overlap; remove unregisters', async () => {
    const added = JSON.parse((await kubently(['clusters', 'add', 'temp', '-o', 'json'])).out) as {
      token: string;
    };
    const rotated = await kubently(['clusters', 'rotate-token', 'temp']);
    expect(rotated.code).toBe(0);
    expect(rotated.out).toContain('--cluster temp --token');
    expect(rotated.out).not.toContain(added.token);
    expect(rotated.out).toContain('The previous token keeps working until');
    const unconfirmed = await kubently(['clusters', 'remove', 'temp']);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.err).toContain('confirm with --yes (kubently clusters remove temp --yes)');
    const removed = await kubently(['clusters', 'rm', 'temp', '--yes']);
    expect(removed.code).toBe(0);
    const list = await kubently(['clusters', 'list', '-o', 'json']);
    expect((JSON.parse(list.out) as { clusters: { id: string }[] }).clusters.map((c) => c.id)).not.toContain(
      'temp',
    );
    expect((await kubently(['clusters', 'remove', 'temp', '-y'])).code).toBe(5);
  });

  it('clusters list speaks every -o: name, wide, yaml', async () => {
    expect((await kubently(['clusters', 'ls', '-o', 'name'])).out.split('\n')).toContain('prod');
    const wide = await kubently(['clusters', 'list', '-o', 'wide']);
    expect(wide.out).toMatch(/^CLUSTER\s+CONNECTED.*EXECUTOR\s+KUBECTL\s+API SERVER URL\s+CREATED$/m);
    const yaml = await kubently(['clusters', 'list', '-o', 'yaml']);
    expect(yaml.out).toMatch(/^clusters:\n {2}- id: /);
    expect(yaml.out).toMatch(/^ {2}- id: prod$/m);
    const bad = await kubently(['clusters', 'list', '-o', 'xml']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('-o/--output must be one of table, wide, json, yaml, name (got "xml")');
  });

  it('version shows the client and the server it talks to', async () => {
    const both = await kubently(['version']);
    expect(both.code).toBe(0);
    expect(both.out).toMatch(
      new RegExp(`^Client: kubently \\d+\\.\\d+\\.\\d+\nServer: kubently \\S+ at ${server.url}\n$`),
    );
    const json = await kubently(['version', '-o', 'json']);
    expect(json.out).toContain(`"url": "${server.url}"`);
    const down = await kubently(['version'], { KUBENTLY_API_URL: 'http://127.0.0.1:9' });
    expect(down.out).toMatch(/^Client: kubently /);
    expect(down.err).toMatch(/^Server: .*127\.0\.0\.1:9/);
    expect(down.code).not.toBe(0);
    expect((await kubently(['version', '--client'], { KUBENTLY_API_URL: 'http://127.0.0.1:9' })).code).toBe(
      0,
    );
  });

  it('audit lists who ran what, with filters and JSON output', async () => {
    const table = await kubently(['audit', '--cluster', 'prod', '--since', '10m']);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/^TIME\s+WHO\s+CLUSTER\s+DECISION/m);
    expect(table.out).toMatch(/alice\s+prod\s+allowed\s+succeeded\s+0\s+\d+ms\s+get pods -A/);
    expect(table.out).toMatch(/alice\s+prod\s+denied\s+denied\s+-\s+-\s+delete pod x/);
    const json = await kubently(['audit', '--cluster', 'idle', '-o', 'json', '--limit', '5']);
    const { records } = JSON.parse(json.out) as { records: { clusterId: string; outcome: string }[] };
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((record) => record.clusterId === 'idle')).toBe(true);
    expect(records.map((record) => record.outcome)).toContain('unavailable');
    const limited = JSON.parse((await kubently(['audit', '-o', 'json', '--limit', '1'])).out) as {
      records: unknown[];
    };
    expect(limited.records).toHaveLength(1);
  });
});
