import { plainVersion } from '@kubently/protocol';
import { tool } from 'ai';
import { z } from 'zod';

import type { ToolContext } from './tool-context.js';
import type { ToolResult } from './tool-result.js';

export function listClustersTool(context: ToolContext) {
  return tool({
    description:
      "List the clusters Kubently knows, whether an executor is connected, whether the cluster's API server answers that executor (apiServer: reachable, unreachable, unauthorized), and their policy mode.",

    inputSchema: z.object({}),
    execute: async (_input, { abortSignal }): Promise<ToolResult> => {
      const clusters = await context.gateway.listClusters(abortSignal ?? new AbortController().signal);
      const connected = clusters.filter((cluster) => cluster.connected).length;
      const unusable = clusters.filter(
        (cluster) =>
          cluster.apiServer !== undefined &&
          cluster.apiServer !== null &&
          cluster.apiServer.status !== 'reachable',
      ).length;
      return {
        ok: true,
        summary: `${clusters.length} cluster${clusters.length === 1 ? '' : 's'}, ${connected} connected${unusable === 0 ? '' : `, ${unusable} whose API server does not answer its executor (commands there fail until it does)`}`,
        clusters: clusters.map((cluster) => ({
          id: cluster.id,
          connected: cluster.connected,
          mode: cluster.mode,
          // Reported by the executor: shown only when it has the shape of a version.
          kubernetesVersion: plainVersion(cluster.kubernetesVersion),
          lastSeenAt: cluster.lastSeenAt,
          // The status only: kubectl's error text comes from the cluster side and stays out of prompts.
          apiServer: cluster.apiServer?.status ?? 'unknown',
          apiServerCheckedAt: cluster.apiServer?.checkedAt ?? null,
        })),
      };
    },
  });
}
