import { describe, expect, it } from 'vitest';

import type { KeyStore, StoredApiKey } from '../../src/state/key-store.js';

export type KeyStoreFactory = () => Promise<KeyStore> | KeyStore;

const hash = (digit: string): string => digit.repeat(64);

const record = (identity: string, overrides: Partial<StoredApiKey> = {}): StoredApiKey => ({
  identity,
  role: 'operator',
  clusters: ['prod', 'staging'],
  serviceIdentities: null,
  createdAt: 1000,
  expiresAt: 9_000_000,
  hashes: [{ hash: hash('a'), expiresAt: null }],
  lastUsedAt: null,
  ...overrides,
});

/** Every KeyStore implementation (memory, Redis) must pass this. */
export const keyStoreContract = (name: string, create: KeyStoreFactory): void => {
  describe(`${name}: KeyStore contract`, () => {
    it('creates a key once per identity and finds it by its hash, every field intact', async () => {
      const store = await create();
      expect(await store.create(record('ci'))).toBe(true);
      expect(await store.create(record('ci', { hashes: [{ hash: hash('b'), expiresAt: null }] }))).toBe(
        false,
      );
      expect(await store.findByHash(hash('a'))).toEqual(record('ci'));
      expect(await store.findByHash(hash('b'))).toBeNull();
      expect(await store.get('ci')).toEqual(record('ci'));
      expect(await store.get('nobody')).toBeNull();
    });

    it('keeps the service identities a key may assert', async () => {
      const store = await create();
      const limited = record('shared', { serviceIdentities: ['billing', 'search'] });
      await store.create(limited);
      expect(await store.get('shared')).toEqual(limited);
      expect(await store.findByHash(hash('a'))).toEqual(limited);
    });

    it('keeps an unscoped, never-expiring key as such', async () => {
      const store = await create();
      const open = record('root', { role: 'admin', clusters: null, expiresAt: null });
      await store.create(open);
      expect(await store.get('root')).toEqual(open);
    });

    it('lists keys by identity', async () => {
      const store = await create();
      await store.create(record('zed', { hashes: [{ hash: hash('c'), expiresAt: null }] }));
      await store.create(record('alice@example.com', { hashes: [{ hash: hash('d'), expiresAt: null }] }));
      expect((await store.list()).map((key) => key.identity)).toEqual(['alice@example.com', 'zed']);
    });

    it('replaces hashes and re-indexes them (rotation with overlap, then without)', async () => {
      const store = await create();
      await store.create(record('ci'));
      const rotated = await store.replaceHashes('ci', [
        { hash: hash('b'), expiresAt: null },
        { hash: hash('a'), expiresAt: 5000 },
      ]);
      expect(rotated?.hashes).toEqual([
        { hash: hash('b'), expiresAt: null },
        { hash: hash('a'), expiresAt: 5000 },
      ]);
      expect((await store.findByHash(hash('a')))?.identity).toBe('ci');
      expect((await store.findByHash(hash('b')))?.identity).toBe('ci');
      await store.replaceHashes('ci', [{ hash: hash('c'), expiresAt: null }]);
      expect(await store.findByHash(hash('a'))).toBeNull();
      expect(await store.findByHash(hash('b'))).toBeNull();
      expect((await store.findByHash(hash('c')))?.identity).toBe('ci');
      expect(await store.replaceHashes('nobody', [])).toBeNull();
    });

    it('records the last use without touching the rest, and never revives a deleted key', async () => {
      const store = await create();
      await store.create(record('ci'));
      await store.touch('ci', 4242);
      expect(await store.get('ci')).toEqual({ ...record('ci'), lastUsedAt: 4242 });
      expect(await store.delete('ci')).toBe(true);
      await store.touch('ci', 5000);
      expect(await store.get('ci')).toBeNull();
      expect(await store.list()).toEqual([]);
    });

    it('deletes a key, its hash index and its listing; deleting again is false', async () => {
      const store = await create();
      await store.create(record('ci'));
      expect(await store.delete('ci')).toBe(true);
      expect(await store.findByHash(hash('a'))).toBeNull();
      expect(await store.get('ci')).toBeNull();
      expect(await store.delete('ci')).toBe(false);
      expect(await store.create(record('ci'))).toBe(true);
    });
  });
};
