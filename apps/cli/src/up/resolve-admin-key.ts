import type { ApiKeyEntry } from '@kubently/server';

export type AdminKeySource = 'environment' | 'config' | 'generated';

export interface AdminKey {
  readonly key: string;
  readonly source: AdminKeySource;
  /** The keys the server starts with. */
  readonly apiKeys: readonly ApiKeyEntry[];
}

/**
 * `up` needs an admin key to register the cluster over the server's own REST API: the first admin
 * key of KUBENTLY_API_KEYS, else the key saved for this server name by an earlier `up` (so saved
 * settings keep working across restarts), else a new random one. Returns null when
 * KUBENTLY_API_KEYS is set but holds no admin key.
 */
export function resolveAdminKey(
  configured: readonly ApiKeyEntry[],
  savedKey: string | undefined,
  generate: () => string,
): AdminKey | null {
  if (configured.length > 0) {
    const admin = configured.find((entry) => entry.role === 'admin');
    return admin === undefined ? null : { key: admin.key, source: 'environment', apiKeys: configured };
  }
  if (savedKey !== undefined && savedKey.length >= 16) {
    return {
      key: savedKey,
      source: 'config',
      apiKeys: [{ identity: 'admin', key: savedKey, role: 'admin' }],
    };
  }
  const key = generate();
  return { key, source: 'generated', apiKeys: [{ identity: 'admin', key, role: 'admin' }] };
}
