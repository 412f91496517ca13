import { readArgv } from '@kubently/protocol';
import type { ReadRequest } from '@kubently/protocol';
import { describe, expect, it } from 'vitest';

import { collectSnapshot, snapshotSources } from '../../src/index.js';
import type { KubectlOutcome, KubectlRun, ListRead } from '../../src/index.js';
import { kubectlError, ok } from './scripted-run.js';

const pod = (namespace: string, name: string): unknown => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, uid: `${namespace}/${name}` },
  spec: { containers: [{ name: 'c', image: 'i' }] },
  status: { phase: 'Running' },
});

const listOf = (items: readonly unknown[], next?: string): KubectlOutcome =>
  ok(
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      metadata: { ...(next === undefined ? {} : { continue: next }) },
      items,
    }),
  );

const noKubectl: KubectlRun = () => Promise.reject(new Error('the read path must not run kubectl for lists'));

/** Records every read; answers pods from `pods` split in pages of two, everything else empty. */
const scriptedRead = (
  pods: readonly unknown[],
  overrides: (read: ReadRequest) => KubectlOutcome | undefined = () => undefined,
): { read: ListRead; reads: ReadRequest[] } => {
  const reads: ReadRequest[] = [];
  const read: ListRead = (request) => {
    reads.push(request);
    const answer = overrides(request);
    if (answer !== undefined) return Promise.resolve(answer);
    if (request.resource !== 'pods') return Promise.resolve(listOf([]));
    const start = request.continue === undefined ? 0 : Number(request.continue);
    const next = start + 2 < pods.length ? String(start + 2) : undefined;
    return Promise.resolve(listOf(pods.slice(start, start + 2), next));
  };
  return { read, reads };
};

describe('collectSnapshot through the read path', () => {
  it('reads each kind once (no bundles) and follows continue tokens to the end of a list', async () => {
    const pods = [1, 2, 3, 4, 5].map((index) => pod('shop', `web-${String(index)}`));
    const { read, reads } = scriptedRead(pods);
    const { snapshot, collection } = await collectSnapshot({
      run: noKubectl,
      read,
      namespaces: 'all',
      signal: new AbortController().signal,
      logs: false,
    });
    expect(snapshot.pods?.map((item) => item.metadata?.name)).toEqual([
      'web-1',
      'web-2',
      'web-3',
      'web-4',
      'web-5',
    ]);
    const podReads = reads.filter((request) => request.resource === 'pods');
    expect(podReads.map((request) => request.continue)).toEqual([undefined, '2', '4']);
    expect(reads.length).toBe(snapshotSources.length + 2);
    expect(collection.missing).toEqual([]);
    expect(collection.commands[0]?.args).toEqual(readArgv({ group: '', version: 'v1', resource: 'pods' }));
    const hpa = reads.find((request) => request.resource === 'horizontalpodautoscalers');
    expect(hpa).toEqual({ group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers' });
  });

  it('reads namespaced kinds per requested namespace and cluster-scoped kinds once', async () => {
    const { read, reads } = scriptedRead([pod('a', 'p')]);
    await collectSnapshot({
      run: noKubectl,
      read,
      namespaces: ['a', 'b'],
      signal: new AbortController().signal,
      logs: false,
    });
    const podReads = reads.filter((request) => request.resource === 'pods');
    expect(podReads.map((request) => request.namespace).sort()).toEqual(['a', 'b']);
    const nodeReads = reads.filter((request) => request.resource === 'nodes');
    expect(nodeReads).toEqual([{ group: '', version: 'v1', resource: 'nodes' }]);
  });

  it('names a forbidden kind in the warnings and keeps the rest', async () => {
    const { read } = scriptedRead([pod('a', 'p')], (request) =>
      request.resource === 'secrets'
        ? kubectlError(
            'Error from server (Forbidden): secrets is forbidden: User "x" cannot list resource "secrets"',
          )
        : undefined,
    );
    const { snapshot, collection } = await collectSnapshot({
      run: noKubectl,
      read,
      namespaces: 'all',
      signal: new AbortController().signal,
      logs: false,
    });
    expect(snapshot.secrets).toBeUndefined();
    expect(snapshot.pods).toHaveLength(1);
    expect(collection.warnings).toMatchObject([{ kind: 'secrets', problem: 'forbidden' }]);
  });

  it('stops everything when the cluster cannot be reached', async () => {
    const { read } = scriptedRead([], () =>
      kubectlError('Unable to connect to the server: connect ECONNREFUSED 127.0.0.1:6443'),
    );
    await expect(
      collectSnapshot({
        run: noKubectl,
        read,
        namespaces: 'all',
        signal: new AbortController().signal,
        logs: false,
      }),
    ).rejects.toMatchObject({ name: 'SnapshotCollectionError', code: 'cluster_unreachable' });
  });

  it('rejects with the reason when the caller aborts', async () => {
    const controller = new AbortController();
    const read: ListRead = (_request, signal) =>
      new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          reject(signal.reason as Error);
        });
      });
    const collecting = collectSnapshot({
      run: noKubectl,
      read,
      namespaces: 'all',
      signal: controller.signal,
      logs: false,
    });
    controller.abort(new Error('caller went away'));
    await expect(collecting).rejects.toThrow('caller went away');
  });
});
