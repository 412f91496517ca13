import { setTimeout as delay } from 'node:timers/promises';

import type { ApiClient } from '../api/index.js';

/**
 * Polls `GET /v1/clusters` until the cluster reports a connected executor. Returns false when it
 * has not connected within `attempts` polls (the executor keeps retrying in the background).
 */
export async function waitForExecutor(
  client: ApiClient,
  clusterId: string,
  signal: AbortSignal,
  attempts = 100,
  intervalMs = 100,
): Promise<boolean> {
  for (let attempt = 0; attempt < attempts && !signal.aborted; attempt += 1) {
    const { clusters } = await client.listClusters();
    if (clusters.some((cluster) => cluster.id === clusterId && cluster.connected)) return true;
    await delay(intervalMs, undefined, { signal }).catch(() => undefined);
  }
  return false;
}
