import { namespaceSchema } from '@kubently/protocol';
import type { ClusterInfo } from '@kubently/protocol';

import { createApiClient } from '../api/index.js';
import type { ApiClient } from '../api/index.js';
import type { ConnectionFlags } from '../args/index.js';
import type { CliIo } from '../cli-io.js';
import { configPaths, readCliConfig, resolveConnection } from '../config/index.js';
import { KubentlyError } from '../kubently-error.js';
import { openAgentClient } from './agent-client.js';
import type { AgentClient } from './agent-client.js';

export interface OpenChat {
  readonly agent: AgentClient;
  readonly api: ApiClient;
  /** The registered clusters, or `null` when this key's role may not list them. */
  readonly listClusters: () => Promise<readonly ClusterInfo[] | null>;
  /** The clusters as seen at start (same meaning as `listClusters`). */
  readonly clusters: readonly ClusterInfo[] | null;
  readonly configDir: string;
}

export function parseNamespace(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const parsed = namespaceSchema.safeParse(raw);
  if (!parsed.success) {
    throw new KubentlyError(
      'usage',
      `invalid namespace "${raw}": ${parsed.error.issues[0]?.message ?? 'not a DNS label'}`,
    );
  }
  return parsed.data;
}

/**
 * Connects `debug`/`ask`: the REST cluster list first (it names the fix for an unreachable server,
 * a rejected key or an unknown cluster, with the CLI's usual exit codes), then the agent card.
 */
export async function openChat(
  flags: ConnectionFlags,
  io: CliIo,
  clusterId: string | undefined,
): Promise<OpenChat> {
  const paths = configPaths(io);
  const connection = resolveConnection(flags, io, await readCliConfig(paths.file));
  const api = createApiClient({ connection, fetch: io.fetch, signal: io.signal });
  const listClusters = async (): Promise<readonly ClusterInfo[] | null> => {
    try {
      return (await api.listClusters()).clusters;
    } catch (error) {
      if (error instanceof KubentlyError && error.code === 'forbidden') return null;
      throw error;
    }
  };
  const clusters = await listClusters();
  if (clusterId !== undefined && clusters !== null && !clusters.some((cluster) => cluster.id === clusterId)) {
    const known = clusters.map((cluster) => cluster.id);
    throw new KubentlyError(
      'cluster_not_found',
      `cluster "${clusterId}" is not registered on ${connection.url} (${known.length === 0 ? 'no clusters yet' : `known: ${known.join(', ')}`}): add it with \`kubently clusters add ${clusterId}\``,
    );
  }
  const agent = await openAgentClient({ connection, fetch: io.fetch, signal: io.signal });
  return { agent, api, listClusters, clusters, configDir: paths.dir };
}

/** Random ids for A2A messages, from the io's randomness (tests pass their own). */
export function messageIdFactory(io: Pick<CliIo, 'randomBytes'>): () => string {
  return () => Buffer.from(io.randomBytes(16)).toString('hex');
}
