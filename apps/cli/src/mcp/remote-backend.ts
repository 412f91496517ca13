import { toMcpCommandResult, toMcpDiagnosis } from '@kubently/protocol';

import { createApiClient } from '../api/index.js';
import type { ApiClient } from '../api/index.js';
import type { Connection } from '../config/index.js';
import type { McpBackend } from './mcp-backend.js';
import { askOverA2a } from './remote-ask.js';

/**
 * Tools over a Kubently server's REST API with the CLI's configured URL and key: the server
 * applies the policy and audits every command as the key's identity.
 */
export const createRemoteBackend = (options: {
  readonly connection: Connection;
  readonly fetch: typeof fetch;
  /** Aborted when `kubently mcp` stops. */
  readonly signal: AbortSignal;
}): McpBackend => {
  const client = (signal: AbortSignal): ApiClient =>
    createApiClient({
      connection: options.connection,
      fetch: options.fetch,
      signal: AbortSignal.any([options.signal, signal]),
    });
  return {
    description: `Kubently server ${options.connection.url}`,
    listClusters: async (signal) => (await client(signal).listClusters()).clusters,
    executeKubectl: async (input, signal) => {
      const request = {
        clusterId: input.clusterId,
        args: [...input.args],
        timeoutSeconds: input.timeoutSeconds,
        ...(input.namespace === undefined ? {} : { namespace: input.namespace }),
        ...(input.sessionId === undefined ? {} : { sessionId: input.sessionId }),
      };
      const api = client(signal);
      return toMcpCommandResult(input.wait ? await api.runCommand(request) : await api.startCommand(request));
    },
    getCommandResult: async (commandId, signal) =>
      toMcpCommandResult(await client(signal).getCommand(commandId)),
    createSession: (clusterId, ttlSeconds, signal) => client(signal).openSession(clusterId, ttlSeconds),
    closeSession: (sessionId, signal) => client(signal).closeSession(sessionId),
    diagnose: async (clusterId, namespaces, signal, include) => {
      const response = await client(signal).diagnose(clusterId, {
        ...(namespaces === undefined || namespaces.length === 0 ? {} : { namespaces: [...namespaces] }),
        ...(include === undefined || include.length === 0 ? {} : { include: [...include] }),
      });
      return toMcpDiagnosis(clusterId, response);
    },
    ask: (input, signal, onProgress) =>
      askOverA2a(
        { connection: options.connection, fetch: options.fetch },
        input,
        AbortSignal.any([options.signal, signal]),
        onProgress,
      ),
  };
};
