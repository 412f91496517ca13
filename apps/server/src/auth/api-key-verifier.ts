import type { Role } from '@kubently/protocol';

import type { ApiKeyEntry } from '../config.js';
import { KubentlyError } from '../errors/kubently-error.js';
import type { KeyStore, StoredApiKey } from '../state/key-store.js';
import type { Clock } from '../support/clock.js';
import type { Logger } from '../support/logger.js';
import { looksLikeJwt } from './oidc-verifier.js';
import type { OidcVerifier } from './oidc-verifier.js';
import { hashesEqual, hashSecret, managedKeyPrefix } from './secrets.js';

export interface Caller {
  readonly identity: string;
  readonly role: Role;
  /**
   * The clusters this caller may see and act on; absent or null: every cluster. Decided only by
   * `canUseCluster` (can-see.ts).
   */
  readonly clusters?: readonly string[] | null | undefined;
  /** X-Service-Identity as asserted with this request (recorded in the audit, rate-limited). */
  readonly serviceIdentity?: string | undefined;
}

export interface ApiKeyVerifier {
  /**
   * The caller a key belongs to, or null. Environment keys are all compared in constant time;
   * managed keys (prefix `kbk_`) are looked up by hash in the key store, then the stored hash is
   * compared in constant time and its expiry and the key's expiry checked.
   */
  verify(key: string, serviceIdentity?: string): Promise<Caller | null>;
}

export interface ApiKeyVerifierOptions {
  readonly entries: readonly ApiKeyEntry[];
  /** Managed keys; absent: only environment keys. */
  readonly store?: KeyStore | undefined;
  readonly clock: Clock;
  readonly logger?: Logger | undefined;
  /** Bearer JWTs from the OIDC issuer; absent: a JWT is refused like any unknown key. */
  readonly oidc?: OidcVerifier | undefined;
  /** A key's last use is written at most this often per replica (default one minute). */
  readonly touchIntervalMs?: number | undefined;
}

/** Identities whose last write is remembered at once (a bound, not a limit: forgetting only writes sooner). */
const maxRemembered = 10_000;

export const createApiKeyVerifier = (options: ApiKeyVerifierOptions): ApiKeyVerifier => {
  const hashed = options.entries.map((entry) => ({
    hash: hashSecret(entry.key),
    caller: { identity: entry.identity, role: entry.role, clusters: null } satisfies Caller,
  }));
  const { store, clock, logger } = options;
  const touchIntervalMs = options.touchIntervalMs ?? 60_000;
  const touchedAt = new Map<string, number>();

  const touch = async (identity: string, now: number): Promise<void> => {
    if (store === undefined) return;
    const last = touchedAt.get(identity);
    if (last !== undefined && now - last < touchIntervalMs) return;
    if (touchedAt.size >= maxRemembered) touchedAt.clear();
    touchedAt.set(identity, now);
    try {
      await store.touch(identity, now);
    } catch (error) {
      // Last use is bookkeeping: a backend hiccup must not refuse an otherwise valid key.
      logger?.warn({ err: error, identity }, 'recording the last use of an API key failed');
    }
  };

  const verify = async (key: string, serviceIdentity: string | undefined): Promise<Caller | null> => {
    if (looksLikeJwt(key)) return options.oidc === undefined ? null : options.oidc.verify(key);
    const hash = hashSecret(key);
    let found: Caller | null = null;
    for (const entry of hashed) if (hashesEqual(entry.hash, hash)) found = entry.caller;
    if (found !== null || store === undefined || !key.startsWith(managedKeyPrefix)) return found;
    const record = await store.findByHash(hash);
    if (record === null) return null;
    const now = clock.now();
    let valid = false;
    for (const stored of record.hashes) {
      if (hashesEqual(stored.hash, hash) && (stored.expiresAt === null || stored.expiresAt > now))
        valid = true;
    }
    if (!valid || (record.expiresAt !== null && record.expiresAt <= now)) return null;
    requireAllowedService(record, serviceIdentity);
    await touch(record.identity, now);
    return { identity: record.identity, role: record.role, clusters: record.clusters };
  };

  return {
    async verify(key, serviceIdentity) {
      const caller = await verify(key, serviceIdentity);
      return caller === null || serviceIdentity === undefined ? caller : { ...caller, serviceIdentity };
    },
  };
};

/**
 * A key with a service identity allowlist may assert only those; asserting none is allowed (the
 * request is recorded without one, docs/keys.md). 403 rather than 401: the key itself is valid.
 */
const requireAllowedService = (record: StoredApiKey, serviceIdentity: string | undefined): void => {
  const allowed = record.serviceIdentities;
  if (allowed == null || serviceIdentity === undefined || allowed.includes(serviceIdentity)) return;
  throw new KubentlyError(
    'forbidden',
    `the key for "${record.identity}" may not act for service identity "${serviceIdentity}"; it may assert only ${allowed.map((name) => `"${name}"`).join(', ')} in X-Service-Identity (or none)`,
    { details: { identity: record.identity, serviceIdentity, allowedServiceIdentities: [...allowed] } },
  );
};
