import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { run as runCli } from '@kubently/cli';
import type { CliIo } from '@kubently/cli';
import { buildExecutorConfig, start as startExecutor } from '@kubently/executor';
import type { ExecutorOptions, RunningExecutor } from '@kubently/executor';
import type { ApiServerStatus, ClusterInfo } from '@kubently/protocol';
import { createConfig, start as startServer } from '@kubently/server';
import type { RunningServer } from '@kubently/server';
import { runKubectl } from '@kubently/testbed';
import { parse as parseYaml } from 'yaml';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';

import { eventually } from '../integration/support/processes.js';
import { startTcpProxy } from '../integration/support/tcp-proxy.js';
import './testbed-context.js';

/**
 * How the executor reaches its cluster, against the testbed's real kube-apiserver and the real
 * kubectl: fail closed without a cluster, a kubeconfig whose server does not answer, an in-cluster
 * ServiceAccount (token file rotated, then revoked), and a cluster that stops answering.
 */
const testbed = inject('testbed');
const adminKey = 'admin-key-0123456789abcdef';
const path = `${testbed.binDir}:${process.env['PATH'] ?? '/usr/bin:/bin'}`;
const kubectl = (args: string[]) =>
  runKubectl(args, { kubectl: testbed.kubectl, kubeconfig: testbed.kubeconfig });

let server: RunningServer;
let dir: string;
let executors: RunningExecutor[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubently-e2e-access-'));
  server = await startServer(
    createConfig({
      port: 0,
      logLevel: 'silent',
      apiKeys: [{ identity: 'root', key: adminKey, role: 'admin' }],
    }),
  );
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await Promise.all(executors.map((executor) => executor.close()));
  executors = [];
});

const api = async (method: string, route: string, body?: unknown): Promise<unknown> => {
  const answer = await fetch(`${server.url}${route}`, {
    method,
    headers: { 'x-api-key': adminKey, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return answer.status === 204 ? null : answer.json();
};

const addCluster = async (id: string): Promise<string> =>
  ((await api('POST', '/v1/clusters', { id })) as { token: string }).token;

const cluster = async (id: string): Promise<ClusterInfo> =>
  (await api('GET', `/v1/clusters/${id}`)) as ClusterInfo;

/** Waits until the cluster's reported API server status is `status`. */
const apiServerBecomes = (id: string, status: ApiServerStatus['status']): Promise<ApiServerStatus> =>
  eventually(async () => {
    const reported = (await cluster(id)).apiServer;
    return reported?.status === status ? reported : undefined;
  }, 60_000);

const launch = async (
  id: string,
  options: Partial<ExecutorOptions>,
  env: Record<string, string | undefined> = {},
): Promise<RunningExecutor> => {
  const token = await addCluster(id);
  const executor = await startExecutor(
    buildExecutorConfig(
      { apiUrl: server.url, clusterId: id, token, kubectl: testbed.kubectl, logLevel: 'silent', ...options },
      { PATH: path, ...env },
    ),
  );
  executors.push(executor);
  return executor;
};

/** A closed loopback port: bound, then released. */
const closedPort = async (): Promise<number> => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) =>
    probe.close(() => {
      resolve();
    }),
  );
  return port;
};

/** A copy of the testbed kubeconfig whose cluster server is `server`. */
const kubeconfigWithServer = async (name: string, serverUrl: string): Promise<string> => {
  const text = await readFile(testbed.kubeconfig, 'utf8');
  const file = join(dir, name);
  await writeFile(file, text.replaceAll(testbed.server, serverUrl), { mode: 0o600 });
  return file;
};

const cli = async (args: string[]): Promise<{ code: number; stdout: string }> => {
  let stdout = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: () => undefined },
    stdin: process.stdin,
    env: { HOME: dir },
    cwd: dir,
    signal: new AbortController().signal,
    fetch: (input, init) => fetch(input, init),
    now: () => new Date(),
    randomBytes: (size) => new Uint8Array(size),
  };
  const code = await runCli([...args, '--api-url', server.url, '--api-key', adminKey], io);
  return { code, stdout };
};

describe('the executor knows its cluster (testbed)', { timeout: 120_000 }, () => {
  it('fails closed at start when kubectl would fall back to localhost:8080, or the context does not exist', async () => {
    const none = buildExecutorConfig(
      {
        apiUrl: server.url,
        clusterId: 'nowhere',
        token: 't',
        kubectl: testbed.kubectl,
        serviceAccountDir: join(dir, 'absent'),
      },
      { PATH: path },
    );
    expect(none.cluster).toEqual({ type: 'kubeconfig', path: null, context: null });
    await expect(startExecutor(none)).rejects.toThrow(/localhost:8080.*set KUBECONFIG/);
    const badContext = buildExecutorConfig(
      {
        apiUrl: server.url,
        clusterId: 'nowhere',
        token: 't',
        kubectl: testbed.kubectl,
        kubeconfig: testbed.kubeconfig,
        kubeContext: 'no-such-context',
      },
      { PATH: path },
    );
    await expect(startExecutor(badContext)).rejects.toThrow(
      /no usable cluster in kubeconfig .*context "no-such-context".*no-such-context/,
    );
  });

  it('reports a kubeconfig whose API server does not answer as unreachable: REST, CLI and /readyz', async () => {
    const kubeconfig = await kubeconfigWithServer(
      'closed.kubeconfig',
      `https://127.0.0.1:${await closedPort()}`,
    );
    const executor = await launch('closed', { kubeconfig, healthPort: 0 });
    const status = await apiServerBecomes('closed', 'unreachable');
    expect(status).toMatchObject({ credentials: 'kubeconfig', serverVersion: null, rbac: null });
    expect(status.message).toMatch(/refused/);
    expect((await cluster('closed')).connected).toBe(true);
    const listed = await cli(['clusters', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/closed\s+yes\s+1\s+readOnly\s+\S+\s+unreachable/);
    expect(listed.stdout).toContain('closed: the executor reports its API server https://127.0.0.1:');
    const ready = await fetch(`${executor.healthUrl ?? ''}/readyz`);
    expect(ready.status).toBe(503);
    expect(JSON.stringify(await ready.json())).toContain('unreachable');
  });

  it('in a pod: uses the ServiceAccount token file (rotation followed), reports version and RBAC, sees a revoked token', async () => {
    expect((await kubectl(['create', 'serviceaccount', 'kubently-e2e', '-n', 'default'])).exitCode).toBe(0);
    expect(
      (
        await kubectl([
          'create',
          'clusterrolebinding',
          'kubently-e2e-view',
          '--clusterrole=view',
          '--serviceaccount=default:kubently-e2e',
        ])
      ).exitCode,
    ).toBe(0);
    const token = async (): Promise<string> =>
      (await kubectl(['create', 'token', 'kubently-e2e', '-n', 'default'])).stdout.trim();
    const account = join(dir, 'serviceaccount');
    await rm(account, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(account));
    const config = parseYaml(await readFile(testbed.kubeconfig, 'utf8')) as {
      clusters: { cluster: { 'certificate-authority-data': string } }[];
    };
    await writeFile(
      join(account, 'ca.crt'),
      Buffer.from(config.clusters[0]?.cluster['certificate-authority-data'] ?? '', 'base64'),
    );
    await writeFile(join(account, 'namespace'), 'default');
    await writeFile(join(account, 'token'), await token());
    const { hostname, port } = new URL(testbed.server);

    await launch(
      'in-pod',
      { serviceAccountDir: account, clusterCheckSeconds: 1 },
      {
        KUBERNETES_SERVICE_HOST: hostname,
        KUBERNETES_SERVICE_PORT: port,
      },
    );
    const status = await apiServerBecomes('in-pod', 'reachable');
    expect(status).toMatchObject({
      credentials: 'inCluster',
      server: testbed.server,
      serverVersion: testbed.kubernetesVersion,
      rbac: {
        namespace: 'default',
        canListPods: true,
        canReadSecrets: false,
        canWrite: false,
        isClusterAdmin: false,
      },
    });
    expect((await cluster('in-pod')).kubernetesVersion).toBe(testbed.kubernetesVersion);

    const command = async (args: string[]) =>
      (await api('POST', '/v1/commands', { clusterId: 'in-pod', args })) as {
        exitCode: number;
        stdout: string;
        stderr: string;
      };
    expect((await command(['get', 'serviceaccounts', '-n', 'default', '-o', 'name'])).stdout).toContain(
      'serviceaccount/kubently-e2e',
    );
    // The ServiceAccount's own RBAC refuses what `view` does not grant.
    expect((await command(['auth', 'can-i', 'get', 'secrets', '-n', 'default'])).stdout.trim()).toBe('no');

    // The kubelet rotates the token file: the next command uses the new token.
    await writeFile(join(account, 'token'), await token());
    expect((await command(['get', 'namespaces', 'default', '-o', 'name'])).exitCode).toBe(0);

    // A token the API server no longer accepts is reported as such, not as an outage.
    await writeFile(join(account, 'token'), 'not-a-valid-token');
    const revoked = await apiServerBecomes('in-pod', 'unauthorized');
    expect(revoked.message).toMatch(/Unauthorized|logged in/);
  });

  it('reports a cluster that stops answering, and that answers again', async () => {
    const apiserverPort = Number(new URL(testbed.server).port);
    const proxy = await startTcpProxy(apiserverPort);
    try {
      const proxied = proxy.url.replace('http://', 'https://');
      const kubeconfig = await kubeconfigWithServer('proxied.kubeconfig', proxied);
      await launch('flaky', { kubeconfig, clusterCheckSeconds: 1 });
      expect((await apiServerBecomes('flaky', 'reachable')).serverVersion).toBe(testbed.kubernetesVersion);
      proxy.repoint(await closedPort());
      const down = await apiServerBecomes('flaky', 'unreachable');
      expect(down.server).toBe(proxied);
      const listed = await cli(['clusters', 'list', '-o', 'json']);
      const flaky = (JSON.parse(listed.stdout) as { clusters: ClusterInfo[] }).clusters.find(
        (c) => c.id === 'flaky',
      );
      expect(flaky?.apiServer?.status).toBe('unreachable');
      proxy.repoint(apiserverPort);
      await apiServerBecomes('flaky', 'reachable');
    } finally {
      await proxy.close();
    }
  });
});
