import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { adminKey, startServer } from '../integration/support/kubently.js';
import type { RunningServer } from '../integration/support/kubently.js';
import { executorMain, spawnNode, stopAll } from '../integration/support/processes.js';
import { repositoryRoot, runCommand } from './support/helm.js';
import { kubectl, serviceAccountKubeconfig } from './support/testbed-kube.js';
import '../e2e/testbed-context.js';

/**
 * README "Install in a cluster", step 2, followed as written from a running server to a connected
 * executor on the testbed: `npx kubently clusters add`, then the one command it prints, run with
 * kubectl pointing at the testbed. The testbed runs no containers, so the executor the Deployment
 * describes is then started as a process outside the cluster with exactly what was applied: the
 * Deployment's environment, the token from the applied Secret, the policy from the applied ConfigMap
 * and the applied ServiceAccount's token. The elapsed time is printed (goal < 2 minutes; not asserted).
 */
const testbed = inject('testbed');
const namespace = 'kubently';
let server: RunningServer;
let work: string;

const shellEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  PATH: `${testbed.binDir}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
  KUBECONFIG: testbed.kubeconfig,
  KUBENTLY_API_URL: server.url,
  KUBENTLY_API_KEY: adminKey,
  KUBENTLY_CONFIG_DIR: work,
});
const shell = (line: string) =>
  runCommand('bash', ['-c', `cd '${repositoryRoot}' && ${line}`], { env: shellEnv(), timeoutMs: 120_000 });

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kubently-walkthrough-'));
  server = await startServer();
});

afterAll(async () => {
  await stopAll();
  await kubectl(testbed, ['delete', 'namespace', namespace, '--wait=false']);
  await kubectl(testbed, ['delete', 'clusterrole,clusterrolebinding', `kubently-executor-${namespace}`]);
  await rm(work, { recursive: true, force: true });
});

describe('README: Install in a cluster (timed walkthrough)', () => {
  it('from a running server to a connected executor', async () => {
    const startedAt = Date.now();

    const added = await shell('npx kubently clusters add walk');
    expect(added.code, added.stderr).toBe(0);
    const command = added.stdout
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line.startsWith('npx kubently manifests walk '));
    expect(command).toMatch(/^npx kubently manifests walk --token \S+ --api-url \S+ \| kubectl apply -f -$/);

    const applied = await shell(command ?? '');
    expect(applied.code, applied.stderr).toBe(0);
    for (const object of [
      'namespace/kubently created',
      'serviceaccount/kubently-executor created',
      'secret/kubently-executor-token created',
      'clusterrole.rbac.authorization.k8s.io/kubently-executor-kubently created',
      'configmap/kubently-executor-policy created',
      'deployment.apps/kubently-executor created',
    ])
      expect(applied.stdout).toContain(object);

    // The Deployment's pod is scheduled by the real scheduler onto a kwok node.
    let nodeName = '';
    for (let attempt = 0; attempt < 120 && nodeName === ''; attempt += 1) {
      const pods = await kubectl(testbed, [
        'get',
        'pods',
        '-n',
        namespace,
        '-o',
        'jsonpath={.items[0].spec.nodeName}',
      ]);
      nodeName = pods.stdout.trim();
      if (nodeName === '') await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(nodeName).toMatch(/^(worker-\d|gpu-1)$/);

    // What the pod would run, from the applied objects only.
    const read = async (args: string[]): Promise<string> => {
      const result = await kubectl(testbed, ['get', '-n', namespace, ...args]);
      expect(result.code, result.stderr).toBe(0);
      return result.stdout;
    };
    const env = JSON.parse(
      await read([
        'deployment',
        'kubently-executor',
        '-o',
        'jsonpath={.spec.template.spec.containers[0].env}',
      ]),
    ) as { name: string; value?: string }[];
    const valueOf = (name: string): string => env.find((entry) => entry.name === name)?.value ?? '';
    const token = Buffer.from(
      await read(['secret', 'kubently-executor-token', '-o', 'jsonpath={.data.token}']),
      'base64',
    ).toString();
    const policyFile = join(work, 'policy.json');
    await writeFile(
      policyFile,
      await read(['configmap', 'kubently-executor-policy', '-o', 'jsonpath={.data.policy\\.json}']),
    );
    const identity = await serviceAccountKubeconfig(testbed, namespace, 'kubently-executor', work);
    spawnNode(executorMain, {
      PATH: `${testbed.binDir}:/usr/bin:/bin`,
      HOME: work,
      TMPDIR: work,
      KUBENTLY_API_URL: valueOf('KUBENTLY_API_URL'),
      CLUSTER_ID: valueOf('CLUSTER_ID'),
      KUBENTLY_TOKEN: token,
      KUBENTLY_POLICY_FILE: policyFile,
      KUBENTLY_TRANSPORT: valueOf('KUBENTLY_TRANSPORT'),
      KUBENTLY_KUBECTL: testbed.kubectl,
      KUBECONFIG: identity.path,
    });

    await server.api.waitForExecutors('walk');
    const listed = await shell('npx kubently clusters list -o json');
    const { clusters } = JSON.parse(listed.stdout) as { clusters: { id: string; connected: boolean }[] };
    expect(clusters.find((cluster) => cluster.id === 'walk')?.connected).toBe(true);
    const exec = await shell('npx kubently exec walk -- auth whoami');
    expect(exec.code, exec.stderr).toBe(0);
    expect(exec.stdout).toContain('system:serviceaccount:kubently:kubently-executor');

    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    process.stderr.write(
      `[walkthrough] running server -> connected executor on the testbed in ${seconds}s\n`,
    );
  });
});
