import { describe, expect, inject, it } from 'vitest';

import { checkSymptom, fakeNodes, kwokNodeAnnotation, loadScenario, runKubectl } from '@kubently/testbed';
import type { KubectlResult } from '@kubently/testbed';

import './testbed-context.js';

const testbed = inject('testbed');
const kubectl = (args: readonly string[], input?: string): Promise<KubectlResult> =>
  runKubectl(args, {
    kubectl: testbed.kubectl,
    kubeconfig: testbed.kubeconfig,
    ...(input === undefined ? {} : { input }),
  });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it passes or `timeoutMs` elapsed; returns the last observation. */
async function eventually<T extends { ok: boolean }>(check: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result.ok || Date.now() > deadline) return result;
    await sleep(2000);
  }
}

describe('testbed control plane', () => {
  it('reports the real server version through kubectl (version ldflags)', async () => {
    const res = await kubectl(['version', '-o', 'json']);
    expect(res.exitCode, res.stderr).toBe(0);
    const version = JSON.parse(res.stdout) as { serverVersion: { gitVersion: string; gitTreeState: string } };
    expect(version.serverVersion.gitVersion).toBe(testbed.kubernetesVersion);
    expect(version.serverVersion.gitTreeState).toBe('clean');
  });

  it('has Ready nodes, one of them tainted for GPUs', async () => {
    const res = await kubectl(['get', 'nodes', '--no-headers']);
    const rows = res.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/));
    for (const name of ['worker-1', 'worker-2', 'gpu-1']) {
      expect(rows.find((row) => row[0] === name)?.[1], name).toBe('Ready');
    }
    const taints = await kubectl(['get', 'node', 'gpu-1', '-o', 'jsonpath={.spec.taints[*].key}']);
    expect(taints.stdout).toContain('nvidia.com/gpu');
  });

  it('manages nodes created later with the kwok annotation', async () => {
    const [template] = fakeNodes(1, testbed.kubernetesVersion);
    const node = { ...template!, metadata: { ...template!.metadata, name: 'late-joiner' } };
    expect(node.metadata.annotations[kwokNodeAnnotation]).toBe('fake');
    const created = await kubectl(['create', '-f', '-'], JSON.stringify(node));
    expect(created.exitCode, created.stderr).toBe(0);
    const ready = await eventually(async () => {
      const res = await kubectl([
        'get',
        'node',
        'late-joiner',
        '-o',
        'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
      ]);
      return { ok: res.stdout === 'True', observed: res.stdout };
    }, 60_000);
    expect(ready.ok, ready.observed).toBe(true);
    await kubectl(['delete', 'node', 'late-joiner', '--wait=false']);
  });

  it('serves kubectl logs through kwok for any pod', async () => {
    const res = await eventually(async () => {
      const pods = await kubectl([
        'get',
        'pods',
        '-n',
        'healthy',
        '-l',
        'app=web',
        '-o',
        'jsonpath={.items[0].metadata.name}',
      ]);
      const logs = await kubectl(['logs', '-n', 'healthy', pods.stdout, '-c', 'web']);
      return {
        ok: logs.exitCode === 0 && logs.stdout.includes('ready to serve requests'),
        observed: logs.stdout + logs.stderr,
      };
    }, 90_000);
    expect(res.ok, res.observed).toBe(true);
  });
});

describe('scenarios reproduce their symptoms', () => {
  // Symptoms appear within ~90 s of the apply (crash-loop restarts, progress deadline, node
  // NotReady); give each scenario until then plus a margin, counted from the apply.
  const budgetMs = (): number => Math.max(30_000, testbed.scenariosAppliedAt + 180_000 - Date.now());

  it.each(testbed.scenarios.map((name) => [name]))(
    '%s',
    async (name) => {
      const scenario = await loadScenario(name);
      for (const symptom of scenario.expected.symptoms) {
        const result = await eventually(() => checkSymptom(kubectl, scenario.namespace, symptom), budgetMs());
        expect(result.ok, `${name}: ${JSON.stringify(symptom)}\nobserved:\n${result.observed}`).toBe(true);
      }
    },
    240_000,
  );

  it('leaves the healthy namespace free of failing pods', async () => {
    const res = await kubectl(['get', 'pods', '-n', 'healthy', '--no-headers']);
    const statuses = res.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/)[2]);
    expect(statuses.length).toBeGreaterThan(0);
    for (const status of statuses) expect(['Running', 'Completed']).toContain(status);
    const warnings = await kubectl([
      'get',
      'events',
      '-n',
      'healthy',
      '--field-selector',
      'type=Warning',
      '--no-headers',
    ]);
    expect(warnings.stdout.trim()).toBe('');
  });
});
