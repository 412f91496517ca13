import type { Caller } from './api-key-verifier.js';

/**
 * Whether `caller` may see or act on cluster `clusterId` at all: the one place a key's cluster
 * scope is decided. Every surface (REST, seed routes, MCP, A2A, the agent, diagnosis, audit) asks
 * here, through the services. A cluster out of scope is answered exactly as one that does not exist.
 */
export const canUseCluster = (caller: Caller, clusterId: string): boolean =>
  caller.clusters === undefined || caller.clusters === null || caller.clusters.includes(clusterId);

/** Whether the caller is limited to some clusters (such a caller may not manage keys). */
export const isScoped = (caller: Caller): boolean =>
  caller.clusters !== undefined && caller.clusters !== null;

/**
 * Whether `caller` may see or act on something `owner` created on `clusterId` (a session, a
 * command and its result): its owner, or an admin, and in either case only inside the caller's
 * cluster scope. Everyone else is answered exactly as for an unknown id, so the answer never tells
 * that it exists.
 */
export const canSee = (caller: Caller, owner: string, clusterId: string): boolean =>
  canUseCluster(caller, clusterId) && (caller.role === 'admin' || caller.identity === owner);
