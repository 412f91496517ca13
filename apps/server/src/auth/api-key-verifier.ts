import type { Role } from '@kubently/protocol';

import type { ApiKeyEntry } from '../config.js';
import { hashesEqual, hashSecret } from './secrets.js';

export interface Caller {
  readonly identity: string;
  readonly role: Role;
}

export interface ApiKeyVerifier {
  /** The caller a key belongs to, or null. Every configured key is compared, in constant time. */
  verify(key: string): Caller | null;
}

export const createApiKeyVerifier = (entries: readonly ApiKeyEntry[]): ApiKeyVerifier => {
  const hashed = entries.map((entry) => ({
    hash: hashSecret(entry.key),
    caller: { identity: entry.identity, role: entry.role } satisfies Caller,
  }));
  return {
    verify(key) {
      const hash = hashSecret(key);
      let found: Caller | null = null;
      for (const entry of hashed) if (hashesEqual(entry.hash, hash)) found = entry.caller;
      return found;
    },
  };
};
