import { defaultPolicyConfig, evaluate } from '@kubently/policy';
import { describe, expect, it } from 'vitest';
import { collectContainerLogs, collectSnapshot } from '../../src/index.js';
import type { ClusterSnapshot, Pod } from '../../src/index.js';
import { kubectlError, list, ok, scriptedRun } from './scripted-run.js';

const crashingPod = (name: string, owner: string, restarts: number, namespace = 'shop'): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace,
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner, controller: true }],
  },
  spec: { containers: [{ name: 'app', image: 'node:22' }] },
  status: {
    phase: 'Running',
    containerStatuses: [
      {
        name: 'app',
        ready: false,
        restartCount: restarts,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error' } },
      },
    ],
  },
});

const healthyPod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'ok-1', namespace: 'shop' },
  status: {
    phase: 'Running',
    containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }],
  },
};

const snapshotOf = (pods: Pod[]): ClusterSnapshot => ({
  collectedAt: '2026-12-03T10:00:00Z',
  namespaces: 'all',
  pods,
});
const limits = { tailLines: 200, limitBytes: 65_536 };
const logArgs = (pod: string, previous: boolean, namespace = 'shop'): string =>
  `logs ${pod} -n ${namespace} -c app --tail=200 --limit-bytes=65536${previous ? ' --previous' : ''}`;

describe('collectContainerLogs', () => {
  it('reads the current and previous log of one pod per workload and keeps only redacted signatures', async () => {
    const runner = scriptedRun({
      [logArgs('api-1', true)]: ok(
        'starting\nconnecting to postgres://app:hunter2hunter@db:5432/app\nError: connect ECONNREFUSED db:5432 password=hunter2hunter\n',
      ),
      [logArgs('api-1', false)]: ok('starting\nconnecting\n'),
    });
    const { excerpts, commands } = await collectContainerLogs({
      run: runner.run,
      snapshot: snapshotOf([
        crashingPod('api-1', 'api-7d9', 9),
        crashingPod('api-2', 'api-7d9', 3),
        healthyPod,
      ]),
      signal: AbortSignal.timeout(10_000),
      limits,
    });
    expect(runner.calls.sort()).toEqual([logArgs('api-1', false), logArgs('api-1', true)]);
    expect(commands.map((command) => command.ok)).toEqual([true, true]);
    const previous = excerpts.find((excerpt) => excerpt.previous);
    expect(previous).toMatchObject({
      pod: 'api-1',
      container: 'app',
      command: `kubectl ${logArgs('api-1', true)}`,
      signatures: [{ type: 'connection-refused', host: 'db', port: 5432 }],
    });
    expect(JSON.stringify(excerpts)).not.toContain('hunter2hunter');
    // No signature in the current log: its last line stands in.
    expect(excerpts.find((excerpt) => !excerpt.previous)).toMatchObject({
      signatures: [],
      lastLine: 'connecting',
    });
  });

  it('reads at most maxContainers, most restarted first, at most `concurrency` at once', async () => {
    const pods = Array.from({ length: 12 }, (_, index) =>
      crashingPod(`w${String(index)}-1`, `w${String(index)}-rs`, index),
    );
    const runner = scriptedRun(
      Object.fromEntries(
        pods.flatMap((pod) =>
          [false, true].map((previous) => [logArgs(pod.metadata?.name ?? '', previous), ok('panic: boom\n')]),
        ),
      ),
    );
    const { excerpts } = await collectContainerLogs({
      run: runner.run,
      snapshot: snapshotOf(pods),
      signal: AbortSignal.timeout(10_000),
      concurrency: 2,
      limits: { ...limits, maxContainers: 3 },
    });
    expect(new Set(runner.calls.map((call) => call.split(' ')[1]))).toEqual(
      new Set(['w11-1', 'w10-1', 'w9-1']),
    );
    expect(runner.maxInFlight).toBe(2);
    expect(excerpts).toHaveLength(6);
  });

  it('leaves out a log that cannot be read, without a warning', async () => {
    const runner = scriptedRun({
      [logArgs('api-1', true)]: kubectlError(
        'Error from server (BadRequest): previous terminated container "app" in pod "api-1" not found',
      ),
      [logArgs('api-1', false)]: { type: 'failure', code: 'policy_denied', message: 'logs is not allowed' },
    });
    const { excerpts, commands } = await collectContainerLogs({
      run: runner.run,
      snapshot: snapshotOf([crashingPod('api-1', 'api-7d9', 2)]),
      signal: AbortSignal.timeout(10_000),
      limits,
    });
    expect(excerpts).toEqual([]);
    expect(commands.map((command) => [command.ok, command.problem])).toEqual([
      [false, 'failed'],
      [false, 'failed'],
    ]);
  });

  it('builds argv the read-only policy allows', () => {
    const config = defaultPolicyConfig();
    for (const argv of [logArgs('api-1', false), logArgs('api-1', true)]) {
      const decision = evaluate(argv.split(' '), config);
      expect(decision.allowed, `${argv}: ${decision.reason}`).toBe(true);
      expect(decision.verb).toBe('logs');
    }
  });
});

describe('collectSnapshot reads logs after the lists', () => {
  it('puts the excerpts in the snapshot and the commands in the collection; logs: false reads none', async () => {
    const scripts = {
      'get pods -A -o json': list([crashingPod('api-1', 'api-7d9', 4)]),
      [logArgs('api-1', true)]: ok('dial tcp: lookup db on 10.96.0.10:53: no such host\n'),
      [logArgs('api-1', false)]: ok('dial tcp: lookup db on 10.96.0.10:53: no such host\n'),
    };
    const runner = scriptedRun(scripts);
    const { snapshot, collection } = await collectSnapshot({
      run: runner.run,
      namespaces: 'all',
      signal: AbortSignal.timeout(10_000),
    });
    expect(snapshot.containerLogs?.map((excerpt) => excerpt.signatures[0]?.host)).toEqual(['db', 'db']);
    expect(collection.commands.filter((command) => command.args[0] === 'logs')).toHaveLength(2);
    expect(collection.warnings).toEqual([]);

    const without = scriptedRun(scripts);
    const second = await collectSnapshot({
      run: without.run,
      namespaces: 'all',
      signal: AbortSignal.timeout(10_000),
      logs: false,
    });
    expect(second.snapshot.containerLogs).toBeUndefined();
    expect(without.calls.some((call) => call.startsWith('logs '))).toBe(false);
  });
});
