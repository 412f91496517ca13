import { defaultPolicyConfig, evaluate } from '@kubently/policy';
import { describe, expect, it } from 'vitest';

import {
  bundleArgs,
  collectSnapshot,
  namespaceBundleArgs,
  SnapshotCollectionError,
  snapshotSources,
} from '../../src/index.js';
import type { CollectionWarning, SnapshotKind } from '../../src/index.js';
import { kubectlError, list, ok, scriptedRun, truncated } from './scripted-run.js';
import type { Script } from './scripted-run.js';

const allKinds = [...new Set(snapshotSources.map((source) => source.kind))];
const namespaced = snapshotSources.filter((source) => source.namespaced);
const clusterScoped = snapshotSources.filter((source) => !source.namespaced);
const alone = snapshotSources.filter((source) => source.listedAlone);
/** The commands that list the small kinds together, cluster-wide. */
const allBundle = bundleArgs(
  namespaced.filter((source) => !source.listedAlone),
  { type: 'all-namespaces' },
).join(' ');
const clusterBundle = bundleArgs(
  clusterScoped.filter((source) => !source.listedAlone),
  { type: 'cluster' },
).join(' ');
/** The one command that lists every namespaced kind of `namespace`. */
const bundle = (namespace: string): string => namespaceBundleArgs(namespaced, namespace).join(' ');
const signal = () => new AbortController().signal;
let tick = 0;
const now = () => Date.parse('2026-11-24T04:00:00Z') + (tick += 5);

const forbidden = (resource: string): Script =>
  kubectlError(
    `Error from server (Forbidden): ${resource} is forbidden: User "system:serviceaccount:kubently:executor" cannot list resource "${resource}" in API group "" at the cluster scope`,
  );

interface Case {
  readonly name: string;
  readonly scripts: Readonly<Record<string, Script>>;
  readonly missing: readonly SnapshotKind[];
  readonly warnings: readonly Partial<CollectionWarning>[];
}

const cases: readonly Case[] = [
  { name: 'every kind lists', scripts: {}, missing: [], warnings: [] },
  {
    name: 'a forbidden kind is absent and named with the RBAC fix',
    scripts: { 'get secrets -A -o json': forbidden('secrets') },
    missing: ['secrets'],
    warnings: [{ kind: 'secrets', problem: 'forbidden', kindKept: false }],
  },
  {
    name: 'a resource type the cluster does not serve is absent',
    scripts: {
      [clusterBundle]: kubectlError('error: the server doesn\'t have a resource type "ingressclasses"'),
      'get ingressclasses.networking.k8s.io -o json': kubectlError(
        'error: the server doesn\'t have a resource type "ingressclasses"',
      ),
    },
    missing: ['ingressclasses'],
    warnings: [{ kind: 'ingressclasses', problem: 'unknown-resource' }],
  },
  {
    name: 'truncated cluster-scoped output is never parsed, even when it happens to be valid JSON',
    scripts: { 'get nodes -o json': truncated('{"items": []}') },
    missing: ['nodes'],
    warnings: [{ kind: 'nodes', problem: 'truncated' }],
  },
  {
    name: 'output that is not a JSON list is absent',
    scripts: {
      'get replicasets.apps -A -o json': ok('{"items": [ {"metadata": '),
      'get configmaps -A -o json': ok('{"kind": "Status"}'),
    },
    missing: ['replicasets', 'configmaps'],
    warnings: [
      { kind: 'configmaps', problem: 'invalid-output' },
      { kind: 'replicasets', problem: 'invalid-output' },
    ],
  },
  {
    name: 'a runner timeout leaves the kind absent',
    scripts: {
      'get pods -A -o json': { type: 'failure', code: 'command_timeout', message: 'no result within 30 s' },
    },
    missing: ['pods'],
    warnings: [{ kind: 'pods', problem: 'timeout' }],
  },
  {
    name: 'a policy refusal leaves the kind absent',
    scripts: {
      'get secrets -A -o json': { type: 'failure', code: 'policy_denied', message: 'secrets are restricted' },
    },
    missing: ['secrets'],
    warnings: [{ kind: 'secrets', problem: 'denied' }],
  },
  {
    name: 'one events API forbidden: events are kept from the other',
    scripts: { 'get events.events.k8s.io -A -o json': forbidden('events') },
    missing: [],
    warnings: [{ kind: 'events', resource: 'events.events.k8s.io', problem: 'forbidden', kindKept: true }],
  },
];

describe('collectSnapshot', () => {
  for (const testCase of cases) {
    it(testCase.name, async () => {
      const runner = scriptedRun(testCase.scripts);
      const { snapshot, collection } = await collectSnapshot({
        run: runner.run,
        namespaces: 'all',
        signal: signal(),
        now,
      });
      expect([...collection.missing].sort()).toEqual([...testCase.missing].sort());
      expect(collection.collected.length + collection.missing.length).toBe(allKinds.length);
      for (const kind of allKinds) {
        expect(snapshot[kind] === undefined, kind).toBe(testCase.missing.includes(kind));
      }
      const sorted = [...collection.warnings].sort((a, b) => a.kind.localeCompare(b.kind));
      expect(sorted).toHaveLength(testCase.warnings.length);
      sorted.forEach((warning, index) => {
        expect(warning).toMatchObject(testCase.warnings[index] ?? {});
        expect(warning.message).not.toBe('');
        expect(warning.fix).not.toBe('');
      });
      expect(collection.commands).toHaveLength(runner.calls.length);
      expect(collection.commands.filter((command) => !command.ok)).toHaveLength(
        Object.keys(testCase.scripts).length,
      );
    });
  }

  it('lists large kinds alone and the small ones together, with -A or cluster-wide, all as JSON', async () => {
    const runner = scriptedRun();
    const { snapshot, collection } = await collectSnapshot({
      run: runner.run,
      namespaces: 'all',
      signal: signal(),
    });
    expect(runner.calls).toHaveLength(alone.length + 2);
    expect(runner.calls).toContain(allBundle);
    expect(runner.calls).toContain(clusterBundle);
    expect(snapshot.hpas).toHaveLength(2);
    expect(snapshot.clusterroles).toHaveLength(1);
    expect(runner.calls).toContain('get pods -A -o json');
    expect(runner.calls).toContain('get events -A -o json');
    expect(runner.calls).toContain('get events.events.k8s.io -A -o json');
    expect(runner.calls).toContain('get nodes -o json');
    expect(snapshot.namespaces).toBe('all');
    expect(snapshot.pods?.map((pod) => pod.metadata?.namespace)).toEqual(['shop', 'web']);
    expect(collection.commands.every((command) => command.ok && command.items > 0 && command.bytes > 0)).toBe(
      true,
    );
  });

  it('every argv it can build passes the read-only policy the executor re-checks', async () => {
    const runner = scriptedRun({
      'get pods -A -o json': truncated('{"items": ['),
      'get events -A -o json': truncated('{"items": ['),
    });
    await collectSnapshot({ run: runner.run, namespaces: 'all', signal: signal() });
    const namespaced = scriptedRun();
    await collectSnapshot({ run: namespaced.run, namespaces: ['shop', 'kube-system'], signal: signal() });
    const argvs = [...new Set([...runner.calls, ...namespaced.calls])];
    expect(argvs).toContain('get namespaces -o name');
    expect(argvs).toContain('get pods -n shop -o json');
    const config = defaultPolicyConfig();
    expect(config.mode).toBe('readOnly');
    for (const argv of argvs) {
      const decision = evaluate(argv.split(' '), config);
      expect(decision.allowed, `${argv}: ${decision.reason}`).toBe(true);
      expect(decision.verb).toBe('get');
    }
  });

  it('never lets a Secret or ConfigMap value into the snapshot', async () => {
    const runner = scriptedRun();
    const { snapshot } = await collectSnapshot({ run: runner.run, namespaces: 'all', signal: signal() });
    expect(snapshot.secrets).toEqual([
      { namespace: 'shop', name: 'secrets-1', type: 'Opaque', keys: ['password'] },
      { namespace: 'web', name: 'secrets-1', type: 'Opaque', keys: ['password'] },
    ]);
    expect(snapshot.configmaps?.[0]).toEqual({ namespace: 'shop', name: 'configmaps-1', keys: ['app.conf'] });
    const text = JSON.stringify(snapshot);
    expect(text).not.toContain('aHVudGVyMg==');
    expect(text).not.toContain('listen 8080');
  });

  it('lists the small kinds one by one when their shared command fails, so each names its own error', async () => {
    const runner = scriptedRun({
      [allBundle]: forbidden('networkpolicies'),
      'get networkpolicies.networking.k8s.io -A -o json': forbidden('networkpolicies'),
    });
    const { snapshot, collection } = await collectSnapshot({
      run: runner.run,
      namespaces: 'all',
      signal: signal(),
    });
    expect(runner.calls).toContain('get services -A -o json');
    expect(snapshot.services).toHaveLength(2);
    expect(collection.missing).toEqual(['networkpolicies']);
    expect(collection.warnings).toEqual([
      expect.objectContaining({ kind: 'networkpolicies', problem: 'forbidden', kindKept: false }),
    ]);
  });

  it('merges the core and events.k8s.io views of one event by uid', async () => {
    const same = { metadata: { name: 'web.1', namespace: 'shop', uid: 'e-1' }, reason: 'BackOff' };
    const other = { metadata: { name: 'web.2', namespace: 'shop', uid: 'e-2' }, reason: 'Unhealthy' };
    const runner = scriptedRun({
      'get events -A -o json': list([same]),
      'get events.events.k8s.io -A -o json': list([{ ...same, note: 'x' }, other]),
    });
    const { snapshot } = await collectSnapshot({ run: runner.run, namespaces: 'all', signal: signal() });
    expect(snapshot.events?.map((event) => event.metadata?.uid)).toEqual(['e-1', 'e-2']);
  });

  it('retries a cluster-wide list cut at the output cap one namespace at a time', async () => {
    const runner = scriptedRun({ 'get pods -A -o json': truncated('{"items": [{"metadata": {"name": "a"') });
    const { snapshot, collection } = await collectSnapshot({
      run: runner.run,
      namespaces: 'all',
      signal: signal(),
    });
    expect(runner.calls).toEqual(
      expect.arrayContaining([
        'get namespaces -o name',
        'get pods -n shop -o json',
        'get pods -n web -o json',
      ]),
    );
    expect(snapshot.pods?.map((pod) => pod.metadata?.namespace)).toEqual(['shop', 'web']);
    expect(collection.warnings).toEqual([]);
    expect(
      collection.commands.find((command) => command.args.includes('-A') && command.args[1] === 'pods'),
    ).toMatchObject({ ok: false, truncated: true, problem: 'truncated' });
  });

  it('leaves a kind absent when one namespace is still too big, naming that namespace', async () => {
    const runner = scriptedRun({
      'get configmaps -A -o json': truncated('{'),
      'get configmaps -n web -o json': truncated('{'),
    });
    const { snapshot, collection } = await collectSnapshot({
      run: runner.run,
      namespaces: 'all',
      signal: signal(),
    });
    expect(snapshot.configmaps).toBeUndefined();
    expect(collection.warnings).toEqual([
      expect.objectContaining({
        kind: 'configmaps',
        problem: 'truncated',
        namespaces: ['web'],
        kindKept: false,
      }),
    ]);
  });

  it('does not retry per namespace when the cluster has more namespaces than the limit', async () => {
    const runner = scriptedRun({ 'get pods -A -o json': truncated('{') });
    const { collection } = await collectSnapshot({
      run: runner.run,
      namespaces: 'all',
      signal: signal(),
      limits: { maxFallbackNamespaces: 1 },
    });
    expect(runner.calls.filter((call) => call.startsWith('get pods -n'))).toEqual([]);
    expect(collection.warnings[0]?.message).toMatch(
      /2 namespaces, more than the per-namespace retry allows \(1\)/,
    );
  });

  it('lists each given namespace with one command for all namespaced kinds and sorts the items by kind', async () => {
    const runner = scriptedRun();
    const { snapshot, collection } = await collectSnapshot({
      run: runner.run,
      namespaces: ['web', 'shop'],
      signal: signal(),
    });
    expect(snapshot.namespaces).toEqual(['shop', 'web']);
    expect([...runner.calls].sort()).toEqual(
      [bundle('shop'), bundle('web'), 'get nodes -o json', clusterBundle].sort(),
    );
    expect(snapshot.pods?.map((pod) => pod.metadata?.namespace).sort()).toEqual(['shop', 'web']);
    expect(snapshot.deployments?.map((deployment) => deployment.metadata?.name)).toEqual([
      'deployments-1',
      'deployments-1',
    ]);
    // Both event APIs answer in the bundle; the scripted objects have distinct uids per API.
    expect(snapshot.events).toHaveLength(4);
    expect(snapshot.secrets?.[0]).toEqual({
      namespace: 'web',
      name: 'secrets-1',
      type: 'Opaque',
      keys: ['password'],
    });
    expect(JSON.stringify(snapshot)).not.toContain('aHVudGVyMg==');
    expect(collection.commands.find((command) => command.args.join(' ') === bundle('web'))).toMatchObject({
      ok: true,
      items: namespaced.length,
    });
    expect(collection.warnings).toEqual([]);
  });

  it('lists kind by kind in a namespace whose bundle fails; events may be partial, others not', async () => {
    const runner = scriptedRun({
      [bundle('web')]: forbidden('services'),
      'get events -n web -o json': forbidden('events'),
      'get events.events.k8s.io -n web -o json': forbidden('events'),
      'get services -n web -o json': forbidden('services'),
    });
    const { snapshot, collection } = await collectSnapshot({
      run: runner.run,
      namespaces: ['web', 'shop'],
      signal: signal(),
    });
    expect(runner.calls).toContain('get pods -n web -o json');
    expect(runner.calls).not.toContain('get pods -n shop -o json');
    expect(snapshot.events?.map((event) => event.metadata?.namespace)).toEqual(['shop', 'shop']);
    expect(snapshot.services).toBeUndefined();
    expect(snapshot.pods).toHaveLength(2);
    expect(collection.missing).toEqual(['services']);
    expect(collection.warnings.filter((warning) => warning.kind === 'events')).toEqual([
      expect.objectContaining({ namespaces: ['web'], problem: 'forbidden', kindKept: true }),
      expect.objectContaining({ namespaces: ['web'], problem: 'forbidden', kindKept: true }),
    ]);
  });

  it('does not trust a bundle holding an object of a kind it did not ask for', async () => {
    const runner = scriptedRun({
      [bundle('shop')]: list([{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }]),
    });
    const { snapshot, collection } = await collectSnapshot({
      run: runner.run,
      namespaces: ['shop'],
      signal: signal(),
    });
    expect(runner.calls).toContain('get pods -n shop -o json');
    expect(snapshot.pods).toHaveLength(1);
    expect(collection.commands[0]).toMatchObject({ ok: false, problem: 'invalid-output' });
  });

  it('lists kind by kind when a bundle is cut at the output cap', async () => {
    const runner = scriptedRun({ [bundle('shop')]: truncated('{"items": [') });
    const { snapshot, collection } = await collectSnapshot({
      run: runner.run,
      namespaces: ['shop'],
      signal: signal(),
    });
    expect(runner.calls.filter((call) => call.endsWith('-n shop -o json'))).toHaveLength(
      namespaced.length + 1,
    );
    expect(snapshot.configmaps).toEqual([{ namespace: 'shop', name: 'configmaps-1', keys: ['app.conf'] }]);
    expect(collection.warnings).toEqual([]);
  });

  it('stops at once when no executor is connected, instead of failing every kind in turn', async () => {
    const runner = scriptedRun({
      'get pods -A -o json': {
        type: 'failure',
        code: 'executor_unavailable',
        message: 'no executor connected',
      },
    });
    const error = await collectSnapshot({
      run: runner.run,
      namespaces: 'all',
      signal: signal(),
      concurrency: 1,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SnapshotCollectionError);
    expect((error as SnapshotCollectionError).code).toBe('executor_unavailable');
    expect((error as SnapshotCollectionError).fix).toMatch(/kubently executor/);
    expect(runner.calls).toEqual(['get pods -A -o json']);
  });

  it('stops when kubectl cannot reach the API server', async () => {
    const runner = scriptedRun({
      'get pods -A -o json': kubectlError(
        'The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?\nUnable to connect to the server: dial tcp 127.0.0.1:6443: connect: connection refused',
      ),
    });
    await expect(
      collectSnapshot({ run: runner.run, namespaces: 'all', signal: signal() }),
    ).rejects.toMatchObject({
      name: 'SnapshotCollectionError',
      code: 'cluster_unreachable',
    });
  });

  it('refuses to report an empty snapshot when not a single kind could be listed', async () => {
    const runner = scriptedRun({ 'get pods -A -o json': forbidden('pods') });
    await expect(
      collectSnapshot({ run: runner.run, namespaces: 'all', signal: signal(), kinds: ['pods'] }),
    ).rejects.toMatchObject({
      code: 'nothing_collected',
      warnings: [expect.objectContaining({ kind: 'pods' })],
    });
  });

  it('rejects with the abort reason and starts nothing more once aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('caller went away');
    const runner = scriptedRun({
      'get pods -A -o json': (_args, runSignal) => {
        controller.abort(reason);
        runSignal.throwIfAborted();
        return Promise.resolve(list([]));
      },
    });
    await expect(
      collectSnapshot({ run: runner.run, namespaces: 'all', signal: controller.signal, concurrency: 1 }),
    ).rejects.toBe(reason);
    expect(runner.calls).toEqual(['get pods -A -o json']);
  });

  it('keeps at most `concurrency` commands in flight', async () => {
    const runner = scriptedRun();
    await collectSnapshot({ run: runner.run, namespaces: 'all', signal: signal(), concurrency: 3 });
    expect(runner.calls.length).toBe(alone.length + 2);
    expect(runner.maxInFlight).toBe(3);
  });

  it('rejects bad options with the fix', async () => {
    const runner = scriptedRun();
    await expect(collectSnapshot({ run: runner.run, namespaces: [], signal: signal() })).rejects.toThrow(
      /non-empty list/,
    );
    await expect(
      collectSnapshot({ run: runner.run, namespaces: ['Shop_1'], signal: signal() }),
    ).rejects.toThrow(/"Shop_1" is not a valid name/);
    await expect(
      collectSnapshot({ run: runner.run, namespaces: 'all', signal: signal(), concurrency: 0 }),
    ).rejects.toThrow(/concurrency must be/);
    expect(runner.calls).toEqual([]);
  });

  it('stamps collectedAt with the injected clock and times each command', async () => {
    const runner = scriptedRun();
    let clock = Date.parse('2026-11-24T04:00:00Z');
    const { snapshot, collection } = await collectSnapshot({
      run: runner.run,
      namespaces: 'all',
      signal: signal(),
      now: () => (clock += 10),
    });
    expect(snapshot.collectedAt).toBe('2026-11-24T04:00:00.010Z');
    expect(collection.durationMs).toBeGreaterThan(0);
    expect(collection.commands.every((command) => command.ms > 0)).toBe(true);
  });
});
