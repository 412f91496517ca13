import {
  auditListSchema,
  clusterListSchema,
  clusterTokenResponseSchema,
  commandResponseSchema,
  diagnoseResponseSchema,
  errorBodySchema,
  fanOutCommandResponseSchema,
  fanOutDiagnoseResponseSchema,
  findingListSchema,
  headers,
  healthSchema,
  issuedKeySchema,
  keyListSchema,
  sessionSchema,
} from '@kubently/protocol';
import type {
  AuditList,
  ClusterList,
  ClusterTokenResponse,
  CommandRequest,
  CommandResponse,
  DiagnoseRequest,
  DiagnoseResponse,
  CreateKeyRequest,
  FanOutCommandRequest,
  FanOutCommandResponse,
  FanOutDiagnoseRequest,
  FanOutDiagnoseResponse,
  FindingList,
  Health,
  IssuedKey,
  KeyList,
  Session,
} from '@kubently/protocol';
import type { z } from 'zod';

import type { Connection } from '../config/index.js';
import { KubentlyError } from '../kubently-error.js';
import { describeHttpError } from './describe-http-error.js';
import { describeNetworkError } from './describe-network-error.js';

export interface FindingFilter {
  readonly cluster?: string | undefined;
  readonly status?: 'open' | 'resolved' | 'all' | undefined;
  readonly limit?: number | undefined;
}

export interface AuditFilter {
  readonly clusterId?: string | undefined;
  readonly since?: string | undefined;
  readonly limit?: number | undefined;
}

/** The REST calls the CLI makes; every answer is parsed with the protocol schema. */
export interface ApiClient {
  readonly url: string;
  health(): Promise<Health>;
  createCluster(id: string): Promise<ClusterTokenResponse>;
  listClusters(): Promise<ClusterList>;
  deleteCluster(id: string): Promise<void>;
  rotateClusterToken(id: string): Promise<ClusterTokenResponse>;
  runCommand(request: CommandRequest): Promise<CommandResponse>;
  /** `POST /v1/commands?wait=false`: the queued command, read later with `getCommand`. */
  startCommand(request: CommandRequest): Promise<CommandResponse>;
  getCommand(id: string): Promise<CommandResponse>;
  /** `POST /v1/commands` with `clusterIds`: one entry per cluster, partial failure in the entries. */
  runCommandFanOut(request: FanOutCommandRequest): Promise<FanOutCommandResponse>;
  /** `POST /v1/diagnose`: the diagnosis of several clusters. */
  diagnoseFanOut(request: FanOutDiagnoseRequest): Promise<FanOutDiagnoseResponse>;
  openSession(clusterId: string, ttlSeconds?: number): Promise<Session>;
  closeSession(id: string): Promise<void>;
  listAudit(filter: AuditFilter): Promise<AuditList>;
  /** `GET /v1/findings`: the findings history of the continuous checks. */
  listFindings(filter: FindingFilter): Promise<FindingList>;
  /** `POST /v1/clusters/:id/diagnose`: collects through the executor and answers the report. */
  diagnose(clusterId: string, request: DiagnoseRequest): Promise<DiagnoseResponse>;
  /** `/v1/keys` (admin): the new key is in the answer once. */
  createKey(request: CreateKeyRequest): Promise<IssuedKey>;
  listKeys(): Promise<KeyList>;
  revokeKey(identity: string): Promise<void>;
  rotateKey(identity: string, overlapSeconds?: number): Promise<IssuedKey>;
}

export interface ApiClientOptions {
  readonly connection: Connection;
  readonly fetch: typeof fetch;
  readonly signal: AbortSignal;
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const { connection } = options;

  async function request<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S | null,
    body?: unknown,
  ): Promise<z.infer<S>> {
    const requestHeaders: Record<string, string> = { accept: 'application/json' };
    if (connection.apiKey !== undefined) requestHeaders[headers.apiKey] = connection.apiKey;
    else if (connection.bearerToken !== undefined)
      requestHeaders[headers.authorization] = `Bearer ${connection.bearerToken}`;
    if (body !== undefined) requestHeaders['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await options.fetch(`${connection.url}${path}`, {
        method,
        headers: requestHeaders,
        signal: options.signal,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      if (options.signal.aborted) throw error;
      throw describeNetworkError(connection, error);
    }
    const text = await response.text();
    if (!response.ok) {
      const parsed = errorBodySchema.safeParse(safeJson(text));
      throw describeHttpError(connection, response.status, parsed.success ? parsed.data : null, text);
    }
    if (schema === null) return undefined as z.infer<S>;
    const parsed = schema.safeParse(safeJson(text));
    if (!parsed.success) {
      throw new KubentlyError(
        'internal',
        `unexpected answer from ${connection.url}${path} (HTTP ${response.status}): is ${connection.urlSource} pointing at a Kubently server?`,
        { cause: parsed.error },
      );
    }
    return parsed.data;
  }

  const segment = encodeURIComponent;
  return {
    url: connection.url,
    health: () => request('GET', '/healthz', healthSchema),
    createCluster: (id) => request('POST', '/v1/clusters', clusterTokenResponseSchema, { id }),
    listClusters: () => request('GET', '/v1/clusters', clusterListSchema),
    deleteCluster: async (id) => {
      await request('DELETE', `/v1/clusters/${segment(id)}`, null);
    },
    rotateClusterToken: (id) =>
      request('POST', `/v1/clusters/${segment(id)}/token`, clusterTokenResponseSchema),
    runCommand: (command) => request('POST', '/v1/commands', commandResponseSchema, command),
    startCommand: (command) => request('POST', '/v1/commands?wait=false', commandResponseSchema, command),
    getCommand: (id) => request('GET', `/v1/commands/${segment(id)}`, commandResponseSchema),
    runCommandFanOut: (body) => request('POST', '/v1/commands', fanOutCommandResponseSchema, body),
    diagnoseFanOut: (body) => request('POST', '/v1/diagnose', fanOutDiagnoseResponseSchema, body),
    openSession: (clusterId, ttlSeconds) =>
      request('POST', '/v1/sessions', sessionSchema, {
        clusterId,
        ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
      }),
    closeSession: async (id) => {
      await request('DELETE', `/v1/sessions/${segment(id)}`, null);
    },
    diagnose: (clusterId, body) =>
      request('POST', `/v1/clusters/${segment(clusterId)}/diagnose`, diagnoseResponseSchema, body),
    createKey: (body) => request('POST', '/v1/keys', issuedKeySchema, body),
    listKeys: () => request('GET', '/v1/keys', keyListSchema),
    revokeKey: async (identity) => {
      await request('DELETE', `/v1/keys/${segment(identity)}`, null);
    },
    rotateKey: (identity, overlapSeconds) =>
      request(
        'POST',
        `/v1/keys/${segment(identity)}/rotate`,
        issuedKeySchema,
        overlapSeconds === undefined ? undefined : { overlapSeconds },
      ),
    listAudit: (filter) => {
      const query = new URLSearchParams();
      if (filter.clusterId !== undefined) query.set('clusterId', filter.clusterId);
      if (filter.since !== undefined) query.set('since', filter.since);
      if (filter.limit !== undefined) query.set('limit', String(filter.limit));
      const suffix = query.size === 0 ? '' : `?${query.toString()}`;
      return request('GET', `/v1/audit${suffix}`, auditListSchema);
    },
    listFindings: (filter) => {
      const query = new URLSearchParams();
      if (filter.cluster !== undefined) query.set('cluster', filter.cluster);
      if (filter.status !== undefined) query.set('status', filter.status);
      if (filter.limit !== undefined) query.set('limit', String(filter.limit));
      const suffix = query.size === 0 ? '' : `?${query.toString()}`;
      return request('GET', `/v1/findings${suffix}`, findingListSchema);
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
