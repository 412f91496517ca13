import type { KeyStore, StoredApiKey, StoredKeyHash } from '../key-store.js';

export class MemoryKeyStore implements KeyStore {
  readonly #keys = new Map<string, StoredApiKey>();
  readonly #hashIndex = new Map<string, string>();

  create(record: StoredApiKey): Promise<boolean> {
    if (this.#keys.has(record.identity)) return Promise.resolve(false);
    this.#keys.set(record.identity, record);
    for (const entry of record.hashes) this.#hashIndex.set(entry.hash, record.identity);
    return Promise.resolve(true);
  }

  get(identity: string): Promise<StoredApiKey | null> {
    return Promise.resolve(this.#keys.get(identity) ?? null);
  }

  list(): Promise<StoredApiKey[]> {
    return Promise.resolve(
      [...this.#keys.values()].sort((a, b) =>
        a.identity < b.identity ? -1 : a.identity > b.identity ? 1 : 0,
      ),
    );
  }

  findByHash(hash: string): Promise<StoredApiKey | null> {
    const identity = this.#hashIndex.get(hash);
    return Promise.resolve(identity === undefined ? null : (this.#keys.get(identity) ?? null));
  }

  replaceHashes(identity: string, hashes: readonly StoredKeyHash[]): Promise<StoredApiKey | null> {
    const record = this.#keys.get(identity);
    if (record === undefined) return Promise.resolve(null);
    for (const entry of record.hashes) this.#hashIndex.delete(entry.hash);
    const updated: StoredApiKey = { ...record, hashes: [...hashes] };
    this.#keys.set(identity, updated);
    for (const entry of hashes) this.#hashIndex.set(entry.hash, identity);
    return Promise.resolve(updated);
  }

  delete(identity: string): Promise<boolean> {
    const record = this.#keys.get(identity);
    if (record === undefined) return Promise.resolve(false);
    for (const entry of record.hashes) this.#hashIndex.delete(entry.hash);
    this.#keys.delete(identity);
    return Promise.resolve(true);
  }

  touch(identity: string, at: number): Promise<void> {
    const record = this.#keys.get(identity);
    if (record !== undefined) this.#keys.set(identity, { ...record, lastUsedAt: at });
    return Promise.resolve();
  }
}
