import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { readState, writeState } from '../src/state-file.js';
import type { TestbedState } from '../src/state-file.js';

const proc = (name: string): TestbedState['processes']['etcd'] => ({
  pid: 4242,
  binary: `/cache/bin/${name}`,
  logFile: `/run/logs/${name}.log`,
});

describe('state file', () => {
  it('round-trips the state of a running testbed', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'testbed-state-')), 'state.json');
    const state: TestbedState = {
      version: 1,
      runDir: '/run',
      binDir: '/cache/bin',
      kubeconfig: '/run/kubeconfig',
      server: 'https://127.0.0.1:6443',
      kubernetesVersion: 'v1.35.4',
      startedAt: '2026-01-01T00:00:00.000Z',
      nodes: ['worker-1'],
      ports: { etcdClient: 1, etcdPeer: 2, apiserver: 6443, kwok: 3 },
      processes: {
        etcd: proc('etcd'),
        'kube-apiserver': proc('kube-apiserver'),
        'kube-controller-manager': proc('kube-controller-manager'),
        'kube-scheduler': proc('kube-scheduler'),
        kwok: proc('kwok'),
      },
    };
    await writeState(file, state);
    expect(await readState(file)).toEqual(state);
  });

  it('is undefined when absent and a clear error when corrupt', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'testbed-state-'));
    expect(await readState(join(dir, 'missing.json'))).toBeUndefined();
    await writeFile(join(dir, 'bad.json'), '{"version": 2}');
    await expect(readState(join(dir, 'bad.json'))).rejects.toThrow(/is not valid .*npm run testbed -- down/s);
  });
});
