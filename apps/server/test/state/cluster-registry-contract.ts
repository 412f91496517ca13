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
      await registry.putPresence({
        clusterId: 'prod',
        executorId: 'ex-1',
        connected: true,
        lastSeenAt: 10,
        capabilities,
      });
      await registry.putPresence({ clusterId: 'prod', executorId: 'ex-2', connected: true, lastSeenAt: 20 });
      await registry.putPresence({ clusterId: 'prod', executorId: 'ex-1', connected: false, lastSeenAt: 30 });
      const presence = await registry.listPresence('prod');
      expect(presence.map((entry) => [entry.executorId, entry.connected])).toEqual([
        ['ex-1', false],
        ['ex-2', true],
      ]);
      expect(presence[0]?.capabilities).toEqual(capabilities);
    });

    it('deletes a cluster with its tokens and presence', async () => {
      const registry = await create();
      await registry.create({ id: 'prod', createdAt: 1, tokens: [{ hash: 'aa', expiresAt: null }] });
      await registry.putPresence({ clusterId: 'prod', executorId: 'ex-1', connected: true, lastSeenAt: 10 });
      expect(await registry.delete('prod')).toBe(true);
      expect(await registry.delete('prod')).toBe(false);
      expect(await registry.findByTokenHash('aa')).toBeNull();
      expect(await registry.listPresence('prod')).toEqual([]);
    });
  });
};
