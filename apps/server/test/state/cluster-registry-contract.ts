import { describe, expect, it } from 'vitest';

import type { ExecutorCapabilities } from '@kubently/protocol';

import type { ClusterRegistry } from '../../src/state/cluster-registry.js';

export type ClusterRegistryFactory = () => Promise<ClusterRegistry> | ClusterRegistry;

const capabilities: ExecutorCapabilities = {
  executorId: 'ex-1',
  executorVersion: '0.1.0',
  mode: 'readOnly',
  kubectlVersion: 'v1.31.0',
  kubernetesVersion: 'v1.31.1',
  maxConcurrency: 4,
  transport: 'sse',
};

/** Every ClusterRegistry implementation must pass this (memory now, Redis later). */
export const clusterRegistryContract = (name: string, create: ClusterRegistryFactory): void => {
  describe(`${name}: ClusterRegistry contract`, () => {
    it('creates a cluster once and finds it by token hash', async () => {
      const registry = await create();
      expect(
        await registry.create({ id: 'prod', createdAt: 1, tokens: [{ hash: 'aa', expiresAt: null }] }),
      ).toBe(true);
      expect(
        await registry.create({ id: 'prod', createdAt: 2, tokens: [{ hash: 'bb', expiresAt: null }] }),
      ).toBe(false);
      expect(await registry.findByTokenHash('aa')).toBe('prod');
      expect(await registry.findByTokenHash('bb')).toBeNull();
      expect((await registry.get('prod'))?.createdAt).toBe(1);
    });

    it('lists clusters by id', async () => {
      const registry = await create();
      await registry.create({ id: 'zeta', createdAt: 1, tokens: [] });
      await registry.create({ id: 'alpha', createdAt: 1, tokens: [] });
      expect((await registry.list()).map((record) => record.id)).toEqual(['alpha', 'zeta']);
    });

    it('replaces tokens and re-indexes them', async () => {
      const registry = await create();
      await registry.create({ id: 'prod', createdAt: 1, tokens: [{ hash: 'old', expiresAt: null }] });
      await registry.replaceTokens('prod', [
        { hash: 'new', expiresAt: null },
        { hash: 'old', expiresAt: 500 },
      ]);
      expect(await registry.findByTokenHash('new')).toBe('prod');
      expect(await registry.findByTokenHash('old')).toBe('prod');
      await registry.replaceTokens('prod', [{ hash: 'newer', expiresAt: null }]);
      expect(await registry.findByTokenHash('old')).toBeNull();
      expect(await registry.replaceTokens('missing', [])).toBeNull();
    });

    it('merges presence and keeps capabilities across updates', async () => {
      const registry = await create();
      await registry.create({ id: 'prod', createdAt: 1, tokens: [] });
      await registry.putPresence({ clusterId: 'prod', executorId: 'ex-1', connected: true, lastSeenAt: 10 });
      expect(await registry.putCapabilities('prod', 'ex-1', capabilities)).toBe(true);
      await registry.putPresence({ clusterId: 'prod', executorId: 'ex-2', connected: true, lastSeenAt: 20 });
      await registry.putPresence({ clusterId: 'prod', executorId: 'ex-1', connected: false, lastSeenAt: 30 });
      const presence = await registry.listPresence('prod');
      expect(presence.map((entry) => [entry.executorId, entry.connected])).toEqual([
        ['ex-1', false],
        ['ex-2', true],
      ]);
      expect(presence[0]?.capabilities).toEqual(capabilities);
      expect(presence[1]?.capabilities).toBeNull();
    });

    it('stores capabilities, policy extras included, only for an executor with a presence record', async () => {
      const registry = await create();
      await registry.create({ id: 'prod', createdAt: 1, tokens: [] });
      expect(await registry.putCapabilities('prod', 'ex-1', capabilities)).toBe(false);
      expect(await registry.putCapabilities('missing', 'ex-1', capabilities)).toBe(false);
      expect(await registry.listPresence('prod')).toEqual([]);
      await registry.putPresence({ clusterId: 'prod', executorId: 'ex-1', connected: true, lastSeenAt: 10 });
      const extended: ExecutorCapabilities = {
        ...capabilities,
        mode: 'extendedReadOnly',
        policy: {
          extraVerbs: ['rollout restart'],
          extraFlags: ['--chunk-size'],
          restrictedResources: ['configmaps'],
        },
      };
      expect(await registry.putCapabilities('prod', 'ex-1', extended)).toBe(true);
      // A later report replaces the earlier one; presence updates leave it alone.
      await registry.putPresence({ clusterId: 'prod', executorId: 'ex-1', connected: true, lastSeenAt: 11 });
      expect((await registry.listPresence('prod'))[0]).toEqual({
        clusterId: 'prod',
        executorId: 'ex-1',
        connected: true,
        lastSeenAt: 11,
        capabilities: extended,
      });
    });

    it('deletes a cluster with its tokens and presence', async () => {
      const registry = await create();
      await registry.create({ id: 'prod', createdAt: 1, tokens: [{ hash: 'aa', expiresAt: null }] });
      await registry.putPresence({ clusterId: 'prod', executorId: 'ex-1', connected: true, lastSeenAt: 10 });
      await registry.putCapabilities('prod', 'ex-1', capabilities);
      expect(await registry.delete('prod')).toBe(true);
      expect(await registry.delete('prod')).toBe(false);
      expect(await registry.findByTokenHash('aa')).toBeNull();
      expect(await registry.findRemovedByTokenHash('aa')).toBe('prod');
      expect(await registry.findRemovedByTokenHash('never')).toBeNull();
      expect(await registry.listPresence('prod')).toEqual([]);
      // A cluster registered again under the same id starts without the old reports.
      await registry.create({ id: 'prod', createdAt: 2, tokens: [] });
      await registry.putPresence({ clusterId: 'prod', executorId: 'ex-1', connected: true, lastSeenAt: 20 });
      expect((await registry.listPresence('prod'))[0]?.capabilities).toBeNull();
    });
  });
};
