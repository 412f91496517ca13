import type { Role } from '@kubently/protocol';

/** A key is stored only as its SHA-256 hash (hex); `expiresAt` is set on a rotated-out key. */
export interface StoredKeyHash {
  readonly hash: string;
  readonly expiresAt: number | null;
}

/** A managed API key: who it is, what it may do and where, and the hashes that open it. */
export interface StoredApiKey {
  readonly identity: string;
  readonly role: Role;
  /** The clusters it may see and act on; null: every cluster. */
  readonly clusters: readonly string[] | null;
  /** The only X-Service-Identity values it may assert; absent or null: any. */
  readonly serviceIdentities?: readonly string[] | null | undefined;
  readonly createdAt: number;
  /** Epoch ms after which the key stops working; null: never. */
  readonly expiresAt: number | null;
  /** The current hash (expiresAt null) and, after a rotation, the previous one until its overlap ends. */
  readonly hashes: readonly StoredKeyHash[];
  /** Written through `touch`, apart from the record, so a touch never races an update. */
  readonly lastUsedAt: number | null;
}

/**
 * Managed API keys (docs/keys.md), one per identity, found by the hash of the presented key.
 * Redis keeps a hash per identity, a set of identities and one index key per key hash.
 */
export interface KeyStore {
  /** False when a key with that identity already exists. */
  create(record: StoredApiKey): Promise<boolean>;
  get(identity: string): Promise<StoredApiKey | null>;
  /** Sorted by identity. */
  list(): Promise<StoredApiKey[]>;
  /** The key a hash belongs to (rotated-out hashes included: the caller checks their expiry). */
  findByHash(hash: string): Promise<StoredApiKey | null>;
  /** Replaces the key's hashes and re-indexes them; null for an unknown identity. */
  replaceHashes(identity: string, hashes: readonly StoredKeyHash[]): Promise<StoredApiKey | null>;
  /** Removes the key and its hash index entries; false when there was none. */
  delete(identity: string): Promise<boolean>;
  /** Records a use; nothing happens for an unknown (e.g. just revoked) identity. */
  touch(identity: string, at: number): Promise<void>;
}
