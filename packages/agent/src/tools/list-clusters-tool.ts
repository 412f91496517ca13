import { plainVersion } from '@kubently/protocol';
import { tool } from 'ai';
import { z } from 'zod';

import type { ToolContext } from './tool-context.js';
import type { ToolResult } from './tool-result.js';

export function listClustersTool(context: ToolContext) {
  return tool({
    description: 'List the clusters Kubently knows, whether an executor is connected, and their policy mode.',
    inputSchema: z.object({}),
    execute: async (_input, { abortSignal }): Promise<ToolResult> => {
      const clusters = await context.gateway.listClusters(abortSignal ?? new AbortController().signal);
      const connected = clusters.filter((cluster) => cluster.connected).length;
      return {
        ok: true,
        summary: `${clusters.length} cluster${clusters.length === 1 ? '' : 's'}, ${connected} connected`,
        clusters: clusters.map((cluster) => ({
          id: cluster.id,
          connected: cluster.connected,
          mode: cluster.mode,
          // Reported by the executor: shown only when it has the shape of a version.
          kubernetesVersion: plainVersion(cluster.kubernetesVersion),
          lastSeenAt: cluster.lastSeenAt,
        })),
      };
    },
  });
}
