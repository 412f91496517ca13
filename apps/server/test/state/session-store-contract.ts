import { describe, expect, it } from 'vitest';

import type { Session } from '@kubently/protocol';

import type { SessionStore } from '../../src/state/session-store.js';
import { isoAt } from '../../src/support/clock.js';
import type { Clock } from '../../src/support/clock.js';
import { createFakeClock } from '../support/fake-clock.js';
import type { FakeClock } from '../support/fake-clock.js';

export type SessionStoreFactory = (options: { clock: Clock }) => Promise<SessionStore> | SessionStore;

const session = (clock: FakeClock, id: string, clusterId = 'prod', ttlSeconds = 60): Session => ({
  id,
  clusterId,
  identity: 'alice',
  correlationId: `corr-${id}`,
  ttlSeconds,
  createdAt: isoAt(clock.now()),
  expiresAt: isoAt(clock.now() + ttlSeconds * 1000),
});

/** Every SessionStore implementation must pass this (memory now, Redis later). */
export const sessionStoreContract = (name: string, create: SessionStoreFactory): void => {
  describe(`${name}: SessionStore contract`, () => {
    it('stores, lists by cluster and deletes sessions', async () => {
      const clock = createFakeClock();
      const store = await create({ clock });
      await store.create(session(clock, 's1'));
      await store.create(session(clock, 's2', 'staging'));
      expect((await store.get('s1'))?.clusterId).toBe('prod');
      expect((await store.listByCluster('prod')).map((entry) => entry.id)).toEqual(['s1']);
      expect((await store.delete('s1'))?.id).toBe('s1');
      expect(await store.delete('s1')).toBeNull();
      expect(await store.get('s1')).toBeNull();
    });

    it('slides the TTL on touch', async () => {
      const clock = createFakeClock();
      const store = await create({ clock });
      await store.create(session(clock, 's1', 'prod', 60));
      clock.advance(50_000);
      const touched = await store.touch('s1');
      expect(touched?.expiresAt).toBe(isoAt(clock.now() + 60_000));
      clock.advance(50_000);
      expect(await store.get('s1')).not.toBeNull();
      clock.advance(10_000);
      expect(await store.get('s1')).toBeNull();
      expect(await store.touch('s1')).toBeNull();
    });

    it('hands out each expired session exactly once', async () => {
      const clock = createFakeClock();
      const store = await create({ clock });
      await store.create(session(clock, 'short', 'prod', 10));
      await store.create(session(clock, 'long', 'prod', 100));
      clock.advance(10_000);
      expect((await store.takeExpired()).map((entry) => entry.id)).toEqual(['short']);
      expect(await store.takeExpired()).toEqual([]);
      expect((await store.listByCluster('prod')).map((entry) => entry.id)).toEqual(['long']);
    });
  });
};
