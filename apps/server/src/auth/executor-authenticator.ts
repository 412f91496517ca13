import type { Clock } from '../support/clock.js';
import type { ClusterRegistry } from '../state/cluster-registry.js';
import { hashesEqual, hashSecret } from './secrets.js';

/**
 * Resolves `Authorization: Bearer <cluster token>` to its cluster. The token's hash is the lookup
 * key; the stored hash is then compared in constant time and its overlap expiry checked. When the
 * executor names its cluster (`X-Cluster-ID`), it must be the token's cluster.
 */
export const authenticateExecutor = async (
  registry: ClusterRegistry,
  clock: Clock,
  authorization: string | undefined,
  claimedClusterId: string | undefined,
): Promise<string | null> => {
  if (authorization === undefined) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  const token = match?.[1];
  if (token === undefined) return null;
  const hash = hashSecret(token);
  const clusterId = await registry.findByTokenHash(hash);
  if (clusterId === null) return null;
  if (claimedClusterId !== undefined && claimedClusterId !== clusterId) return null;
  const record = await registry.get(clusterId);
  if (record === null) return null;
  const now = clock.now();
  let valid = false;
  for (const stored of record.tokens) {
    if (hashesEqual(stored.hash, hash) && (stored.expiresAt === null || stored.expiresAt > now)) valid = true;
  }
  return valid ? clusterId : null;
};

/**
 * The removed cluster whose token this is, or null. Only a caller that holds a token the cluster
 * once had learns that it was removed (410): nothing is revealed about ids without a token.
 */
export const removedClusterOf = async (
  registry: ClusterRegistry,
  authorization: string | undefined,
): Promise<string | null> => {
  const token = authorization === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
  return token === undefined ? null : registry.findRemovedByTokenHash(hashSecret(token));
};
