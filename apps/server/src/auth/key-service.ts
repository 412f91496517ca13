import type { CreateKeyRequest, IssuedKey, KeyRecord } from '@kubently/protocol';

import type { ApiKeyEntry } from '../config.js';
import { KubentlyError } from '../errors/kubently-error.js';
import type { KeyStore, StoredApiKey } from '../state/key-store.js';
import { isoAt } from '../support/clock.js';
import type { Clock } from '../support/clock.js';
import type { Logger } from '../support/logger.js';
import type { Caller } from './api-key-verifier.js';
import { isScoped } from './can-see.js';
import { generateApiKey, hashSecret } from './secrets.js';

export interface KeyServiceOptions {
  readonly store: KeyStore;
  /** KUBENTLY_API_KEYS: listed, never changed through the API, their identities reserved. */
  readonly environmentKeys: readonly ApiKeyEntry[];
  readonly clock: Clock;
  readonly logger: Logger;
  /** How long a rotated-out key keeps working unless the rotation says otherwise. */
  readonly defaultOverlapSeconds: number;
}

const recordOf = (stored: StoredApiKey, now: number): KeyRecord => {
  const previous = stored.hashes.find((entry) => entry.expiresAt !== null && entry.expiresAt > now);
  return {
    identity: stored.identity,
    role: stored.role,
    clusters: stored.clusters === null ? null : [...stored.clusters],
    serviceIdentities: stored.serviceIdentities == null ? null : [...stored.serviceIdentities],
    source: 'managed',
    createdAt: isoAt(stored.createdAt),
    expiresAt: stored.expiresAt === null ? null : isoAt(stored.expiresAt),
    lastUsedAt: stored.lastUsedAt === null ? null : isoAt(stored.lastUsedAt),
    previousKeyExpiresAt: previous?.expiresAt == null ? null : isoAt(previous.expiresAt),
  };
};

const environmentRecord = (entry: ApiKeyEntry): KeyRecord => ({
  identity: entry.identity,
  role: entry.role,
  clusters: null,
  serviceIdentities: null,
  source: 'environment',
  createdAt: null,
  expiresAt: null,
  lastUsedAt: null,
  previousKeyExpiresAt: null,
});

/**
 * Managed API keys (`/v1/keys`, `kubently keys`): created with an identity, a role, an optional
 * cluster scope and expiry; the key is returned once and only its hash is stored; rotation keeps
 * the previous key working for an overlap window. Only an admin key without a cluster scope may
 * manage keys, so no key can mint one wider than itself.
 */
export class KeyService {
  readonly #options: KeyServiceOptions;

  constructor(options: KeyServiceOptions) {
    this.#options = options;
  }

  async create(request: CreateKeyRequest, caller: Caller): Promise<IssuedKey> {
    this.#requireManager(caller);
    this.#requireManaged(request.identity);
    const { store, clock, logger } = this.#options;
    const now = clock.now();
    const key = generateApiKey();
    const stored: StoredApiKey = {
      identity: request.identity,
      role: request.role,
      clusters: request.clusters === undefined ? null : [...new Set(request.clusters)].sort(),
      serviceIdentities:
        request.serviceIdentities === undefined ? null : [...new Set(request.serviceIdentities)].sort(),
      createdAt: now,
      expiresAt: request.expiresInSeconds === undefined ? null : now + request.expiresInSeconds * 1000,
      hashes: [{ hash: hashSecret(key), expiresAt: null }],
      lastUsedAt: null,
    };
    if (!(await store.create(stored))) {
      throw new KubentlyError(
        'conflict',
        `a key for identity "${request.identity}" already exists; rotate it (kubently keys rotate ${request.identity}), revoke it first, or pick another identity`,
        { details: { identity: request.identity } },
      );
    }
    logger.info(
      {
        identity: stored.identity,
        role: stored.role,
        clusters: stored.clusters,
        serviceIdentities: stored.serviceIdentities,
        by: caller.identity,
      },
      'API key created',
    );
    return { key, ...recordOf(stored, now) };
  }

  async list(caller: Caller): Promise<KeyRecord[]> {
    this.#requireManager(caller);
    const now = this.#options.clock.now();
    const managed = (await this.#options.store.list()).map((stored) => recordOf(stored, now));
    return [...this.#options.environmentKeys.map(environmentRecord), ...managed];
  }

  async revoke(identity: string, caller: Caller): Promise<void> {
    this.#requireManager(caller);
    this.#requireManaged(identity);
    if (!(await this.#options.store.delete(identity))) throw notFound(identity);
    this.#options.logger.info({ identity, by: caller.identity }, 'API key revoked');
  }

  /** A new key; the previous current one keeps working for the overlap window, older ones stop. */
  async rotate(identity: string, caller: Caller, overlapSeconds?: number): Promise<IssuedKey> {
    this.#requireManager(caller);
    this.#requireManaged(identity);
    const { store, clock, logger } = this.#options;
    const existing = await store.get(identity);
    if (existing === null) throw notFound(identity);
    const now = clock.now();
    const overlapMs = (overlapSeconds ?? this.#options.defaultOverlapSeconds) * 1000;
    const key = generateApiKey();
    const current = existing.hashes.find((entry) => entry.expiresAt === null);
    const hashes = [
      { hash: hashSecret(key), expiresAt: null },
      ...(current === undefined || overlapMs === 0
        ? []
        : [{ hash: current.hash, expiresAt: now + overlapMs }]),
    ];
    const updated = await store.replaceHashes(identity, hashes);
    if (updated === null) throw notFound(identity);
    logger.info({ identity, by: caller.identity, overlapSeconds: overlapMs / 1000 }, 'API key rotated');
    return { key, ...recordOf(updated, now) };
  }

  #requireManager(caller: Caller): void {
    if (caller.role !== 'admin' || isScoped(caller)) {
      throw new KubentlyError(
        'forbidden',
        caller.role !== 'admin'
          ? `role "${caller.role}" may not manage API keys; use an admin key`
          : 'a key limited to some clusters may not manage API keys (it could mint a wider one); use an admin key without a cluster scope',
        { details: { role: caller.role } },
      );
    }
  }

  #requireManaged(identity: string): void {
    if (this.#options.environmentKeys.some((entry) => entry.identity === identity)) {
      throw new KubentlyError(
        'conflict',
        `identity "${identity}" is configured in KUBENTLY_API_KEYS; change or remove it there (environment keys are for bootstrap), or use another identity`,
        { details: { identity } },
      );
    }
  }
}

const notFound = (identity: string): KubentlyError =>
  new KubentlyError(
    'not_found',
    `no managed key for identity "${identity}"; list keys with kubently keys list (GET /v1/keys)`,
    { details: { identity } },
  );
