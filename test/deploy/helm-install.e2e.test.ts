import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { commandResponseSchema } from '@kubently/protocol';
import type { CommandResponse } from '@kubently/protocol';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { run } from '../../apps/cli/src/run.js';
import { startServer } from '../integration/support/kubently.js';
import type { RunningServer } from '../integration/support/kubently.js';
import { executorMain, spawnNode, stopAll } from '../integration/support/processes.js';
import {
  chartDir,
  helmBinary,
  helmWithValues,
  parseObjects,
  renderChart,
  runCommand,
} from './support/helm.js';
import { applyDryRun, kubectl, serviceAccountKubeconfig } from './support/testbed-kube.js';
import { valuesMatrix } from './support/values-matrix.js';
import '../e2e/testbed-context.js';

/**
 * The chart and `kubently manifests` against the testbed's real apiserver, in one file so they share
 * the e2e testbed: every rendered manifest admitted by --dry-run=server, `helm install` with pods
 * scheduled and Running on kwok nodes (their containers do not run), then a real executor outside
 * the cluster with the chart's ServiceAccount token showing through Kubently what that RBAC allows.
 */
const testbed = inject('testbed');
const namespace = 'kubently-system';
const dryRunNamespace = 'kubently-dry-run';
/** The testbed serves catalog images only: a Node image stands in for Kubently's (containers never run). */
const standInImage = { repository: 'node', tag: '22-slim' };

let helm: string;
let work: string;
let server: RunningServer;

const helmEnv = (): NodeJS.ProcessEnv => ({ ...process.env, KUBECONFIG: testbed.kubeconfig });

beforeAll(async () => {
  helm = await helmBinary();
  work = await mkdtemp(join(tmpdir(), 'kubently-helm-e2e-'));
  const crd = await readFile(new URL('./fixtures/servicemonitor-crd.yaml', import.meta.url), 'utf8');
  expect((await kubectl(testbed, ['apply', '-f', '-'], crd)).code).toBe(0);
  const established = await kubectl(testbed, [
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    'crd/servicemonitors.monitoring.coreos.com',
  ]);
  expect(established.code, established.stderr).toBe(0);
  // Applied (not created) so that `kubently manifests`' own Namespace object applies without a warning.
  const namespaceYaml = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${dryRunNamespace}\n`;
  expect((await kubectl(testbed, ['apply', '-f', '-'], namespaceYaml)).code).toBe(0);
}, 3_600_000);

afterAll(async () => {
  await stopAll();
  await runCommand(helm, ['uninstall', 'kubently', '-n', namespace, '--wait'], { env: helmEnv() });
  await kubectl(testbed, ['delete', 'namespace', namespace, dryRunNamespace, '--wait=false']);
  await kubectl(testbed, ['delete', 'crd', 'servicemonitors.monitoring.coreos.com', '--wait=false']);
  await rm(work, { recursive: true, force: true });
});

describe('every rendered manifest is admitted by the real apiserver (--dry-run=server)', () => {
  it.each(valuesMatrix)('chart values: $name', async ({ values }) => {
    const rendered = await helmWithValues(helm, ['template', 'kubently', chartDir], values, {
      namespace: dryRunNamespace,
    });
    expect(rendered.code, rendered.stderr).toBe(0);
    const applied = await applyDryRun(testbed, rendered.stdout, dryRunNamespace);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout.trim().split('\n')).toHaveLength(parseObjects(rendered.stdout).length);
  });

  const cli = async (args: string[]): Promise<string> => {
    const io = { out: '', err: '' };
    const code = await run(
      [
        'manifests',
        'dry',
        '--token',
        'token-for-tests',
        '--api-url',
        'https://kubently.example.com',
        '-n',
        dryRunNamespace,
        ...args,
      ],
      {
        stdout: { write: (chunk: string) => (io.out += chunk) },
        stderr: { write: (chunk: string) => (io.err += chunk) },
        stdin: process.stdin,
        env: {},
        cwd: work,
        signal: new AbortController().signal,
        fetch,
        now: () => new Date(),
        randomBytes: (size: number) => new Uint8Array(size),
      },
    );
    expect(io.err).toBe('');
    expect(code).toBe(0);
    return io.out;
  };

  it.each([
    ['readOnly'],
    ['extendedReadOnly', '--rbac-secrets', '--extra-api-group', 'cert-manager.io'],
    ['fullAccess', '--acknowledge-full-access'],
  ])('kubently manifests --format kubernetes --mode %s', async (mode, ...flags) => {
    const text = await cli(['--mode', mode, ...flags]);
    const applied = await applyDryRun(testbed, text, dryRunNamespace);
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain(`deployment.apps/kubently-executor created (server dry run)`);
    expect(applied.stdout).toContain(
      `clusterrole.rbac.authorization.k8s.io/kubently-executor-${dryRunNamespace} created (server dry run)`,
    );
  });

  it('kubently manifests --format helm-values, rendered by the chart', async () => {
    const valuesFile = join(work, 'executor-values.yaml');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(valuesFile, await cli(['--format', 'helm-values']));
    const rendered = await runCommand(helm, [
      'template',
      'kubently',
      chartDir,
      '-n',
      dryRunNamespace,
      '-f',
      valuesFile,
    ]);
    expect(rendered.code, rendered.stderr).toBe(0);
    const applied = await applyDryRun(testbed, rendered.stdout, dryRunNamespace);
    expect(applied.code, applied.stderr).toBe(0);
  });
});

describe('helm install into the testbed, then an executor with the chart ServiceAccount', () => {
  const installValues = {
    redis: { enabled: true },
    server: {
      replicas: 2,
      image: standInImage,
      pdb: { enabled: true },
      networkPolicy: { enabled: true },
      serviceMonitor: { enabled: true },
    },
    executor: { enabled: true, clusterId: 'helm', token: { value: 'replaced-below' }, image: standInImage },
  };

  it('helm install --wait: every pod scheduled on a kwok node and Running', async () => {
    const installed = await helmWithValues(
      helm,
      ['install', 'kubently', chartDir, '--create-namespace', '--wait', '--timeout', '4m'],
      installValues,
      { namespace, env: helmEnv() },
    );
    expect(installed.code, installed.stderr + installed.stdout).toBe(0);
    const pods = await kubectl(testbed, ['get', 'pods', '-n', namespace, '-o', 'json']);
    const items = (
      JSON.parse(pods.stdout) as {
        items: { metadata: { name: string }; spec: { nodeName?: string }; status: { phase: string } }[];
      }
    ).items;
    expect(items.map((pod) => pod.metadata.name.replace(/-[a-z0-9]+-[a-z0-9]+$/, '')).sort()).toEqual([
      'kubently-executor',
      'kubently-redis',
      'kubently-server',
      'kubently-server',
    ]);
    for (const pod of items) {
      expect(pod.spec.nodeName, pod.metadata.name).toMatch(/^(worker-\d|gpu-1)$/);
      expect(pod.status.phase, pod.metadata.name).toBe('Running');
    }
    // README: the generated admin key, read back as the README says.
    const keys = await kubectl(testbed, [
      '-n',
      namespace,
      'get',
      'secret',
      'kubently-server-api-keys',
      '-o',
      'jsonpath={.data.api-keys}',
    ]);
    expect(Buffer.from(keys.stdout, 'base64').toString()).toMatch(/^admin:[A-Za-z0-9]{48}:admin$/);
  });

  let saKubeconfig: string;
  const run = async (args: string[]): Promise<CommandResponse> => {
    const answer = await server.api.post('/v1/commands', { clusterId: 'helm', args, timeoutSeconds: 30 });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return commandResponseSchema.parse(answer.body);
  };
  const canI = async (...args: string[]): Promise<string> =>
    (await run(['auth', 'can-i', ...args])).stdout?.trim() ?? '';

  it('readOnly: through Kubently the chart identity reads, and RBAC refuses writes and Secrets', async () => {
    saKubeconfig = (await serviceAccountKubeconfig(testbed, namespace, 'kubently-executor', work)).path;
    server = await startServer();
    const token = await server.api.addCluster('helm');
    spawnNode(executorMain, {
      PATH: `${testbed.binDir}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
      HOME: work,
      KUBENTLY_API_URL: server.url,
      CLUSTER_ID: 'helm',
      KUBENTLY_TOKEN: token,
      KUBENTLY_KUBECTL: testbed.kubectl,
      KUBECONFIG: saKubeconfig,
    });
    await server.api.waitForExecutors('helm');

    const whoami = await run(['auth', 'whoami']);
    expect(whoami.stdout).toContain(`system:serviceaccount:${namespace}:kubently-executor`);
    const pods = await run(['get', 'pods', '-n', namespace]);
    expect(pods.status, pods.stderr).toBe('succeeded');
    expect(pods.stdout).toContain('kubently-server');
    expect((await run(['get', 'nodes'])).stdout).toMatch(/worker-1\s+Ready/);
    const logsAllowed = await canI('get', 'pods', '--subresource=log', '-n', 'healthy');
    expect(logsAllowed).toBe('yes');

    const secrets = await run(['get', 'secrets', '-n', namespace]);
    expect(secrets.status).toBe('failed');
    expect(secrets.stderr).toMatch(
      /forbidden: User "system:serviceaccount:kubently-system:kubently-executor" cannot list resource "secrets"/,
    );
    expect(await canI('list', 'secrets', '-n', namespace)).toBe('no');
    expect(await canI('create', 'deployments', '-n', 'default')).toBe('no');
    expect(await canI('delete', 'pods', '-n', 'healthy')).toBe('no');
    expect(await canI('create', 'pods', '--subresource=exec', '-n', 'healthy')).toBe('no');
    expect(await canI('list', 'pods', '-A')).toBe('yes');

    // The policy stops writes before kubectl; RBAC stops them too, even for kubectl itself.
    const write = await runCommand(testbed.kubectl, [
      '--kubeconfig',
      saKubeconfig,
      'create',
      'configmap',
      'written-by-executor',
      '-n',
      'healthy',
      '--dry-run=server',
    ]);
    expect(write.code).not.toBe(0);
    expect(write.stderr).toContain('cannot create resource "configmaps"');
  });

  it('helm upgrade with rbac.secrets=true lets the same identity read Secrets (values still redacted)', async () => {
    const upgraded = await runCommand(
      helm,
      [
        'upgrade',
        'kubently',
        chartDir,
        '-n',
        namespace,
        '--reuse-values',
        '--set',
        'executor.rbac.secrets=true',
        '--wait',
        '--timeout',
        '4m',
      ],
      { env: helmEnv() },
    );
    expect(upgraded.code, upgraded.stderr).toBe(0);
    expect(await canI('list', 'secrets', '-n', namespace)).toBe('yes');
    const secrets = await run(['get', 'secrets', '-n', namespace, '-o', 'json']);
    expect(secrets.status, secrets.stderr).toBe('succeeded');
    expect(secrets.stdout).toContain('kubently-server-api-keys');
    expect(secrets.stdout).not.toMatch(/YWRtaW46/); // base64 of "admin:" never leaves the executor
    expect(await canI('create', 'deployments', '-n', 'default')).toBe('no');
  });

  it('the rendered ClusterRole of the release is the one the apiserver holds', async () => {
    const expected = await renderChart(
      helm,
      { ...installValues, executor: { ...installValues.executor, rbac: { secrets: true } } },
      namespace,
    );
    const role = expected.find((object) => object.kind === 'ClusterRole');
    const live = await kubectl(testbed, ['get', 'clusterrole', role?.metadata.name ?? '', '-o', 'json']);
    expect((JSON.parse(live.stdout) as { rules: unknown }).rules).toEqual(
      (role as unknown as { rules: unknown }).rules,
    );
  });
});
