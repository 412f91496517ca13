import type { PolicyConfig } from '@kubently/policy';

import type { ClusterGateway } from '../ports/cluster-gateway.js';
import type { ToolResult } from './tool-result.js';
import { toolFailure } from './tool-result.js';

export interface TodoItem {
  readonly id: string;
  readonly text: string;
  readonly status: 'pending' | 'in_progress' | 'done';
}

/** What the tools of one run share. Created per run, so runs never see each other's state. */
export interface ToolContext {
  readonly gateway: ClusterGateway;
  readonly policyFor: (clusterId: string) => PolicyConfig;
  readonly toolOutputChars: number;
  /** The cluster the request named, used when a tool call names none. */
  readonly defaultClusterId: string | undefined;
  todos: TodoItem[];
}

export type ClusterChoice =
  | { readonly type: 'cluster'; readonly clusterId: string }
  | { readonly type: 'failure'; readonly result: ToolResult };

/** The cluster a tool call targets: its own argument, the request's cluster, or the only one connected. */
export async function chooseCluster(
  context: ToolContext,
  requested: string | undefined,
  signal: AbortSignal,
): Promise<ClusterChoice> {
  const named = requested ?? context.defaultClusterId;
  if (named !== undefined) return { type: 'cluster', clusterId: named };
  const clusters = await context.gateway.listClusters(signal);
  const connected = clusters.filter((cluster) => cluster.connected);
  const only = connected.length === 1 ? connected[0] : clusters.length === 1 ? clusters[0] : undefined;
  if (only !== undefined) return { type: 'cluster', clusterId: only.id };
  return {
    type: 'failure',
    result: toolFailure(
      'cluster_required',
      clusters.length === 0
        ? 'no cluster is registered: connect an executor first'
        : `several clusters exist (${clusters.map((cluster) => cluster.id).join(', ')}): pass clusterId`,
    ),
  };
}
