import { commandResponseSchema, errorBodySchema } from '@kubently/protocol';
import type { CommandResponse } from '@kubently/protocol';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { runKubectl } from '@kubently/testbed';

import { startServer } from '../integration/support/kubently.js';
import type { RunningServer } from '../integration/support/kubently.js';
import { executorMain, spawnNode, stopAll } from '../integration/support/processes.js';
import './testbed-context.js';

/**
 * The built server and executor (apps/{server,executor}/dist/main.js) relaying the real kubectl to
 * the testbed: what a user of Kubently sees for a real cluster.
 */
const testbed = inject('testbed');
const clusterId = 'testbed';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('relay against the testbed', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer({ KUBENTLY_EXECUTOR_GRACE_MS: '500' });
    const token = await server.api.addCluster(clusterId);
    spawnNode(executorMain, {
      PATH: `${testbed.binDir}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
      HOME: process.env['HOME'] ?? '/tmp',
      KUBENTLY_API_URL: server.url,
      CLUSTER_ID: clusterId,
      KUBENTLY_TOKEN: token,
      KUBENTLY_KUBECTL: testbed.kubectl,
      KUBECONFIG: testbed.kubeconfig,
      LOG_LEVEL: 'info',
    });
    await server.api.waitForExecutors(clusterId);
  });
  afterAll(stopAll);

  const run = async (args: string[]): Promise<CommandResponse> => {
    const answer = await server.api.post('/v1/commands', { clusterId, args, timeoutSeconds: 30 });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return commandResponseSchema.parse(answer.body);
  };
  /** Retries `args` until `accept` holds (scenarios need a while to show every symptom). */
  const runUntil = async (
    args: string[],
    accept: (r: CommandResponse) => boolean,
  ): Promise<CommandResponse> => {
    const deadline = Math.max(Date.now() + 30_000, testbed.scenariosAppliedAt + 180_000);
    for (;;) {
      const response = await run(args);
      if (accept(response) || Date.now() > deadline) return response;
      await sleep(2000);
    }
  };
  const podOf = async (namespace: string, selector: string): Promise<string> => {
    const response = await runUntil(
      ['get', 'pods', '-n', namespace, '-l', selector, '-o', 'jsonpath={.items[0].metadata.name}'],
      (r) => (r.stdout ?? '') !== '',
    );
    return response.stdout ?? '';
  };

  it('get: lists the Ready nodes', async () => {
    const response = await run(['get', 'nodes']);
    expect(response.status).toBe('succeeded');
    expect(response.stdout).toMatch(/worker-1\s+Ready/);
    expect(response.stdout).toMatch(/gpu-1\s+Ready/);
  });

  it('get: shows a crash-looping pod as the real apiserver prints it', async () => {
    const response = await runUntil(['get', 'pods', '-n', 'crashloop-missing-env'], (r) =>
      (r.stdout ?? '').includes('CrashLoopBackOff'),
    );
    expect(response.stdout).toContain('CrashLoopBackOff');
  });

  it('describe: shows the kubelet state and events of an image pull failure', async () => {
    const response = await runUntil(['describe', 'pods', '-n', 'image-pull-typo', '-l', 'app=web'], (r) =>
      (r.stdout ?? '').includes('Error: ErrImagePull'),
    );
    expect(response.stdout).toMatch(/Reason:\s+(ImagePullBackOff|ErrImagePull)/);
    expect(response.stdout).toContain('Error: ErrImagePull');
  });

  it('logs: returns the current and the previous container logs', async () => {
    const pod = await podOf('crashloop-missing-env', 'app=api');
    const current = await run(['logs', '-n', 'crashloop-missing-env', pod, '-c', 'api']);
    expect(current.status, current.stderr).toBe('succeeded');
    expect(current.stdout).toContain('FATAL: required environment variable DATABASE_URL is not set');
    const previous = await run(['logs', '-n', 'crashloop-missing-env', pod, '-c', 'api', '--previous']);
    expect(previous.stdout).toContain('DATABASE_URL is not set');
  });

  it('get events: relays the real scheduler FailedScheduling message', async () => {
    const response = await runUntil(['get', 'events', '-n', 'pending-insufficient-cpu'], (r) =>
      (r.stdout ?? '').includes('FailedScheduling'),
    );
    expect(response.stdout).toContain('FailedScheduling');
    expect(response.stdout).toContain('Insufficient cpu');
  });

  it('top: fails as a result (no metrics-server), not as a relay error', async () => {
    const response = await run(['top', 'pods', '-n', 'healthy']);
    expect(response.status).toBe('failed');
    expect(response.exitCode).not.toBe(0);
    expect(response.stderr).toContain('Metrics API not available');
  });

  it('rejects a mutating command by policy and the cluster stays untouched', async () => {
    const pod = await podOf('healthy', 'app=web');
    const answer = await server.api.post('/v1/commands', {
      clusterId,
      args: ['delete', 'pod', pod, '-n', 'healthy'],
    });
    expect(answer.status).toBe(422);
    expect(errorBodySchema.parse(answer.body).error.code).toBe('policy_denied');
    const still = await runKubectl(['get', 'pod', pod, '-n', 'healthy', '-o', 'name'], {
      kubectl: testbed.kubectl,
      kubeconfig: testbed.kubeconfig,
    });
    expect(still.stdout.trim()).toBe(`pod/${pod}`);
  });

  it('redacts the values of a real Secret and keeps its keys', async () => {
    const response = await run(['get', 'secret', 'db-credentials', '-n', 'missing-secret-key', '-o', 'json']);
    expect(response.status).toBe('succeeded');
    const value = Buffer.from('s3cr3t-value').toString('base64');
    expect(response.stdout).not.toContain(value);
    expect(response.stdout).not.toContain('s3cr3t-value');
    expect(response.stdout).toContain('"pass"');
    expect(response.stdout).toContain('"username"');
    expect(response.redactions).toBeGreaterThanOrEqual(2);
  });
});
