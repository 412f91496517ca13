import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { run } from '../src/run.js';
import { assertBuilt, fakeKubectl, spawnCli } from './support/spawn-cli.js';
import type { CliProcess } from './support/spawn-cli.js';
import { createTestIo, makeTempDir } from './support/test-io.js';

const running: CliProcess[] = [];

async function startUp(env: Record<string, string>, args: string[] = [], givenHome?: string) {
  const home = givenHome ?? (await makeTempDir('kubently-home-'));
  const fullEnv = { PATH: process.env['PATH'] ?? '', HOME: home, ...env };
  const up = spawnCli(['up', '--port', '0', ...args], fullEnv);
  running.push(up);
  const [, url] = await up.waitForOutput(/^ {2}URL: +(http:\/\/127\.0\.0\.1:\d+)$/m);
  const [, key] = await up.waitForOutput(/^ {2}API key: +(\S+)/m);
  await up.waitForOutput(/^Or over HTTP:/m);
  return { up, url: url!, key: key!, home, env: fullEnv };
}

beforeAll(assertBuilt);

afterEach(async () => {
  for (const process of running.splice(0)) {
    if (process.child.exitCode === null) process.child.kill('SIGKILL');
    await process.exited;
  }
});

describe('kubently up (built CLI in a child process)', () => {
  it('runs server + executor, saves the config, and `exec` through it works; Ctrl-C stops both', async () => {
    const tmp = await makeTempDir('kubently-tmp-');
    const kubectlLog = join(tmp, 'kubectl.log');
    const { up, url, key, home } = await startUp({
      KUBENTLY_KUBECTL: fakeKubectl,
      FAKE_KUBE_CONTEXT: 'Kind_Test',
      FAKE_KUBECTL_LOG: kubectlLog,
      KUBENTLY_KUBECTL_ENV: 'FAKE_KUBECTL_LOG',
      TMPDIR: tmp,
    });
    expect(key).toMatch(/^kbt_[A-Za-z0-9_-]{43}$/);
    expect(up.out()).toContain('Cluster:  kind-test  (kubeconfig context "Kind_Test", executor connected');
    expect(up.out()).toContain("Identity: the executor runs kubectl with YOUR kubeconfig user's credentials");
    expect(up.out()).toContain('kubently exec kind-test -- get pods -A');

    const configFile = join(home, '.kubently', 'config.json');
    expect((await stat(configFile)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(configFile, 'utf8'))).toEqual({
      version: 1,
      currentServer: 'local',
      servers: { local: { url, apiKey: key } },
    });

    // The next command "just works": only HOME points at the saved config.
    const io = createTestIo({ env: { HOME: home } });
    const code = await run(['exec', 'kind-test', '--', 'get', 'pods', '-A'], io);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(io.out())).toEqual({ argv: ['get', 'pods', '-A'] });

    // The curl example's request, as printed.
    const response = await fetch(`${url}/v1/commands`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ clusterId: 'kind-test', args: ['get', 'pods', '-A'] }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'succeeded', exitCode: 0 });

    // The executor runs kubectl with a private copy of the context it was started for.
    const calls = (await readFile(kubectlLog, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { argv: string[]; envKeys: string[] });
    expect(calls.map((call) => call.argv.join(' '))).toContain(
      'config view --minify --flatten --raw --context=Kind_Test',
    );
    const getPods = calls.find((call) => call.argv.join(' ') === 'get pods -A');
    expect(getPods?.envKeys).toContain('KUBECONFIG');
    const pinnedDirs = (await readdir(tmp)).filter((name) => name.startsWith('kubently-up-'));
    expect(pinnedDirs).toHaveLength(1);

    up.child.kill('SIGINT');
    expect(await up.exited).toBe(0);
    expect(up.err()).toContain('Stopped.');
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    // The pinned kubeconfig holds credentials: it is gone after Ctrl-C.
    expect((await readdir(tmp)).filter((name) => name.startsWith('kubently-up-'))).toEqual([]);
  });

  it('without kubectl still runs the server and says no executor is connected and how to fix it', async () => {
    const home = await makeTempDir('kubently-home-');
    const before = createTestIo({ env: { HOME: home } });
    expect(
      await run(
        ['config', 'set-server', 'prod', '--url', 'https://prod.invalid', '--key', 'prod-key-0123456789'],
        before,
      ),
    ).toBe(0);
    const { up, url } = await startUp({ KUBENTLY_KUBECTL: '/nonexistent/kubectl' }, [], home);
    expect(up.out()).toContain('the current server was "prod"');
    const list = createTestIo({ env: { HOME: home } });
    expect(await run(['config', 'list'], list)).toBe(0);
    expect(list.out()).toMatch(/^\s+prod\s+https:\/\/prod\.invalid/m);
    expect(list.out()).toMatch(/^\*\s+local\s+http:\/\/127\.0\.0\.1:\d+/m);
    expect(up.out()).toContain('No executor is connected');
    expect(up.out()).toContain('kubectl was not found (looked for "/nonexistent/kubectl")');
    expect(up.out()).toContain('Fix: install kubectl');
    const io = createTestIo({ env: { HOME: home } });
    expect(await run(['clusters', 'list'], io)).toBe(0);
    expect(io.out()).toContain(`No clusters registered on ${url}`);
  });

  it('without a kubeconfig context says so', async () => {
    const { up } = await startUp({ KUBENTLY_KUBECTL: fakeKubectl, FAKE_KUBE_CONTEXT: '' });
    expect(up.out()).toContain('no current kubeconfig context (kubectl: error: current-context is not set)');
    expect(up.out()).toContain('kubectl config use-context NAME');
  });

  it("with this machine's real kubectl and no kubeconfig, explains what is missing", async () => {
    const { up, home } = await startUp({});
    expect(up.out()).toMatch(
      /no current kubeconfig context \(kubectl: .*current-context is not set.*\)|kubectl was not found \(looked for "kubectl"\)/,
    );
    const io = createTestIo({ env: { HOME: home } });
    expect(await run(['exec', 'any', '--', 'get', 'pods'], io)).toBe(5);
    expect(io.err()).toContain('kubently clusters add any');
  });

  it('reuses the saved key on the next start and honours --cluster', async () => {
    const first = await startUp({ KUBENTLY_KUBECTL: fakeKubectl });
    first.up.child.kill('SIGINT');
    expect(await first.up.exited).toBe(0);
    const second = spawnCli(['up', '--port', '0', '--cluster', 'dev'], first.env);
    running.push(second);
    const [, key] = await second.waitForOutput(/^ {2}API key: +(\S+) {2}\(admin; reused/m);
    expect(key).toBe(first.key);
    await second.waitForOutput(/Cluster: {2}dev /);
  });
});
