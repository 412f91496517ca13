import { z } from 'zod';

import {
  auditListSchema,
  clusterInfoSchema,
  clusterListSchema,
  clusterTokenResponseSchema,
  commandCheckResponseSchema,
  commandFeedEventSchema,
  commandRequestSchema,
  commandResponseSchema,
  commandResultSchema,
  createClusterRequestSchema,
  createKeyRequestSchema,
  createSessionRequestSchema,
  diagnoseRequestSchema,
  diagnoseResponseSchema,
  errorBodySchema,
  executorCapabilitiesSchema,
  fanOutCommandRequestSchema,
  fanOutCommandResponseSchema,
  fanOutDiagnoseRequestSchema,
  fanOutDiagnoseResponseSchema,
  findingListSchema,
  healthSchema,
  issuedKeySchema,
  keyListSchema,
  longPollResponseSchema,
  resultAckSchema,
  rotateKeyRequestSchema,
  seedCommandResultSchema,
  seedExecuteRequestSchema,
  seedExecuteResponseSchema,
  seedSessionRequestSchema,
  seedSessionResponseSchema,
  sessionSchema,
  whoamiSchema,
} from '@kubently/protocol';

import { dashboardPaths } from './dashboard-paths.js';

/** Named component schemas, generated from the protocol's zod schemas (the one source of types). */
const components = {
  ErrorBody: [errorBodySchema, 'output'],
  Health: [healthSchema, 'output'],
  CreateClusterRequest: [createClusterRequestSchema, 'input'],
  ClusterTokenResponse: [clusterTokenResponseSchema, 'output'],
  ClusterInfo: [clusterInfoSchema, 'output'],
  ClusterList: [clusterListSchema, 'output'],
  DiagnoseRequest: [diagnoseRequestSchema, 'input'],
  DiagnoseResponse: [diagnoseResponseSchema, 'output'],
  CreateSessionRequest: [createSessionRequestSchema, 'input'],
  Session: [sessionSchema, 'output'],
  CommandRequest: [commandRequestSchema, 'input'],
  CommandResponse: [commandResponseSchema, 'output'],
  CommandResult: [commandResultSchema, 'input'],
  FanOutCommandRequest: [fanOutCommandRequestSchema, 'input'],
  FanOutCommandResponse: [fanOutCommandResponseSchema, 'output'],
  FanOutDiagnoseRequest: [fanOutDiagnoseRequestSchema, 'input'],
  FanOutDiagnoseResponse: [fanOutDiagnoseResponseSchema, 'output'],
  ResultAck: [resultAckSchema, 'output'],
  ExecutorCapabilities: [executorCapabilitiesSchema, 'input'],
  LongPollResponse: [longPollResponseSchema, 'output'],
  AuditList: [auditListSchema, 'output'],
  Whoami: [whoamiSchema, 'output'],
  CommandCheckResponse: [commandCheckResponseSchema, 'output'],
  CommandFeedEvent: [commandFeedEventSchema, 'output'],
  FindingList: [findingListSchema, 'output'],
  CreateKeyRequest: [createKeyRequestSchema, 'input'],
  RotateKeyRequest: [rotateKeyRequestSchema, 'input'],
  IssuedKey: [issuedKeySchema, 'output'],
  KeyList: [keyListSchema, 'output'],
  SeedSessionRequest: [seedSessionRequestSchema, 'input'],
  SeedSessionResponse: [seedSessionResponseSchema, 'output'],
  SeedExecuteRequest: [seedExecuteRequestSchema, 'input'],
  SeedExecuteResponse: [seedExecuteResponseSchema, 'output'],
  SeedCommandResult: [seedCommandResultSchema, 'input'],
} as const satisfies Record<string, readonly [z.ZodType, 'input' | 'output']>;

type ComponentName = keyof typeof components;

const ref = (name: ComponentName) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: ComponentName, description: string) => ({
  description,
  content: { 'application/json': { schema: ref(name) } },
});
const errors = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [String(status), json('ErrorBody', 'error: {error:{code,message,details}}')]),
  );
const body = (name: ComponentName) => ({
  required: true,
  content: { 'application/json': { schema: ref(name) } },
});
const oneOf = (description: string, ...names: ComponentName[]) => ({
  description,
  content: { 'application/json': { schema: { oneOf: names.map(ref) } } },
});
const pathId = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});
/** An API key in X-API-Key or, equally, as `Authorization: Bearer <key>`. */
const apiKey = [{ apiKey: [] }, { bearerKey: [] }];
const executorToken = [{ executorToken: [] }];

const paths = {
  '/healthz': {
    get: { summary: 'Liveness', security: [], responses: { '200': json('Health', 'the process answers') } },
  },
  '/readyz': {
    get: {
      summary: 'Readiness (state backend reachable, not shutting down)',
      security: [],
      responses: { '200': json('Health', 'ready'), '503': json('Health', 'not ready') },
    },
  },
  '/v1/clusters': {
    post: {
      summary: 'Register a cluster (admin); the executor token is shown once',
      security: apiKey,
      requestBody: body('CreateClusterRequest'),
      responses: { '201': json('ClusterTokenResponse', 'created'), ...errors(400, 401, 403, 409) },
    },
    get: {
      summary: 'List clusters with executor presence',
      security: apiKey,
      responses: { '200': json('ClusterList', 'clusters'), ...errors(401) },
    },
  },
  '/v1/clusters/{id}': {
    get: {
      summary: 'One cluster',
      security: apiKey,
      parameters: [pathId('id', 'cluster id')],
      responses: { '200': json('ClusterInfo', 'cluster'), ...errors(401, 404) },
    },
    delete: {
      summary: 'Remove a cluster (admin): closes its streams, fails its commands, ends its sessions',
      security: apiKey,
      parameters: [pathId('id', 'cluster id')],
      responses: { '204': { description: 'removed' }, ...errors(401, 403, 404) },
    },
  },
  '/v1/clusters/{id}/token': {
    post: {
      summary: 'Rotate the executor token (admin); the previous one works for the overlap',
      security: apiKey,
      parameters: [pathId('id', 'cluster id')],
      responses: { '200': json('ClusterTokenResponse', 'new token'), ...errors(401, 403, 404) },
    },
  },
  '/v1/clusters/{id}/diagnose': {
    post: {
      summary:
        'Diagnose the cluster: collect a snapshot through its executor (read-only kubectl get, audited as the caller) and return root causes (admin, operator)',
      security: apiKey,
      parameters: [pathId('id', 'cluster id')],
      requestBody: { ...body('DiagnoseRequest'), required: false },
      responses: {
        '200': json(
          'DiagnoseResponse',
          'the report: root causes, symptoms, summary, and how the snapshot was collected',
        ),
        ...errors(400, 401, 403, 404, 413, 415, 429, 503),
      },
    },
  },
  '/v1/diagnose': {
    post: {
      summary:
        'Diagnose several clusters (clusterIds, or "all" within the key\'s scope): one entry per cluster, the report or the error that cluster gave (admin, operator)',
      security: apiKey,
      requestBody: body('FanOutDiagnoseRequest'),
      responses: {
        '200': json('FanOutDiagnoseResponse', 'per-cluster reports and errors, with a summary'),
        ...errors(400, 401, 403, 413, 415),
      },
    },
  },
  '/v1/sessions': {
    post: {
      summary: 'Open a debug session (sliding TTL)',
      security: apiKey,
      requestBody: body('CreateSessionRequest'),
      responses: { '201': json('Session', 'opened'), ...errors(400, 401, 403, 404) },
    },
  },
  '/v1/sessions/{id}': {
    get: {
      summary: "Read a session: the caller's own (any for an admin); someone else's is 404",
      security: apiKey,
      parameters: [pathId('id', 'session id')],
      responses: { '200': json('Session', 'session'), ...errors(401, 404) },
    },
    delete: {
      summary: "Close a session: the caller's own (any for an admin); someone else's is 404",
      security: apiKey,
      parameters: [pathId('id', 'session id')],
      responses: { '204': { description: 'closed' }, ...errors(401, 403, 404) },
    },
  },
  '/v1/commands': {
    post: {
      summary: 'Run a read-only kubectl command on a cluster (policy first, then relayed and awaited)',
      security: apiKey,
      parameters: [
        {
          name: 'wait',
          in: 'query',
          required: false,
          description: 'false: answer 202 at once and poll GET /v1/commands/{id}',
          schema: { type: 'string', enum: ['true', 'false'] },
        },
      ],
      requestBody: {
        ...oneOf('one cluster (clusterId) or several (clusterIds)', 'CommandRequest', 'FanOutCommandRequest'),
        required: true,
      },
      responses: {
        '200': oneOf(
          'finished: succeeded (exit 0) or failed (non-zero exit or a failure); with clusterIds one entry per cluster, partial failure inside',
          'CommandResponse',
          'FanOutCommandResponse',
        ),
        '202': oneOf(
          'queued (wait=false or callbackUrl: the signed result is POSTed to it when the command ends)',
          'CommandResponse',
          'FanOutCommandResponse',
        ),
        ...errors(400, 401, 403, 404, 413, 415, 422, 429, 503, 504),
      },
    },
  },
  ...dashboardPaths({ json, ref, errors, body, apiKey }),
  '/v1/commands/{id}': {
    get: {
      summary:
        "A command: queued, running or its result (kept for the result TTL); the caller's own (any for an admin), someone else's is 404",
      security: apiKey,
      parameters: [pathId('id', 'command id')],
      responses: { '200': json('CommandResponse', 'command'), ...errors(401, 404) },
    },
  },
  '/v1/audit': {
    get: {
      summary: 'Audit records, newest first (admin)',
      security: apiKey,
      parameters: [
        { name: 'clusterId', in: 'query', required: false, schema: { type: 'string' } },
        { name: 'since', in: 'query', required: false, schema: { type: 'string', format: 'date-time' } },
        {
          name: 'limit',
          in: 'query',
          required: false,
          schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
        },
      ],
      responses: { '200': json('AuditList', 'records'), ...errors(400, 401, 403) },
    },
  },
  '/v1/findings': {
    get: {
      summary:
        'Findings history of the continuous checks: each root cause by cluster and stable fingerprint with first seen, last seen, resolved at and occurrences; open first (any role, within its cluster scope)',
      security: apiKey,
      parameters: [
        { name: 'cluster', in: 'query', required: false, schema: { type: 'string' } },
        {
          name: 'status',
          in: 'query',
          required: false,
          schema: { type: 'string', enum: ['open', 'resolved', 'all'], default: 'all' },
        },
        {
          name: 'limit',
          in: 'query',
          required: false,
          schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
        },
      ],
      responses: { '200': json('FindingList', 'findings'), ...errors(400, 401) },
    },
  },
  '/v1/keys': {
    post: {
      summary:
        'Create a managed API key (admin without a cluster scope): identity, role, optional cluster scope and expiry; the key is in the answer once, only its hash is stored',
      security: apiKey,
      requestBody: body('CreateKeyRequest'),
      responses: {
        '201': json('IssuedKey', 'created: the key and its record'),
        ...errors(400, 401, 403, 409),
      },
    },
    get: {
      summary: 'List API keys, managed and from KUBENTLY_API_KEYS (never the keys themselves)',
      security: apiKey,
      responses: { '200': json('KeyList', 'keys'), ...errors(401, 403) },
    },
  },
  '/v1/keys/{identity}': {
    delete: {
      summary: 'Revoke a managed key (it stops working at once, on every replica)',
      security: apiKey,
      parameters: [pathId('identity', 'the key identity')],
      responses: { '204': { description: 'revoked' }, ...errors(401, 403, 404, 409) },
    },
  },
  '/v1/keys/{identity}/rotate': {
    post: {
      summary:
        'Rotate a managed key: a new key (shown once); the previous one keeps working for overlapSeconds (default KUBENTLY_TOKEN_OVERLAP_SECONDS)',
      security: apiKey,
      parameters: [pathId('identity', 'the key identity')],
      requestBody: { ...body('RotateKeyRequest'), required: false },
      responses: {
        '200': json('IssuedKey', 'the new key and its record'),
        ...errors(400, 401, 403, 404, 409),
      },
    },
  },
  '/v1/executor/stream': {
    get: {
      summary: 'Executor link (SSE): connected, command (with id), session-started/ended; keepalive comments',
      security: executorToken,
      responses: { '200': { description: 'text/event-stream' }, ...errors(400, 401) },
    },
  },
  '/v1/executor/commands': {
    get: {
      summary: 'Executor long-poll fallback: frames as soon as one is available or after wait seconds',
      security: executorToken,
      parameters: [
        {
          name: 'wait',
          in: 'query',
          required: false,
          schema: { type: 'integer', minimum: 0, maximum: 30, default: 20 },
        },
      ],
      responses: { '200': json('LongPollResponse', 'frames'), ...errors(400, 401) },
    },
  },
  '/v1/executor/capabilities': {
    post: {
      summary:
        'Executor reports mode, policy extras and versions after each (re)connect, over a live link (409 until its stream or poll is recorded)',
      security: executorToken,
      requestBody: body('ExecutorCapabilities'),
      responses: { '204': { description: 'recorded' }, ...errors(400, 401, 403, 409) },
    },
  },
  '/v1/executor/results': {
    post: {
      summary:
        'Executor posts a result; posting acks the command. Only the executor (X-Executor-ID) the command was delivered to may answer it',
      security: executorToken,
      requestBody: body('CommandResult'),
      responses: {
        '200': json('ResultAck', 'acked (duplicate: already acked)'),
        ...errors(400, 401, 403, 404, 409, 413),
      },
    },
  },
  '/debug/session': {
    post: {
      summary: 'Seed alias of POST /v1/sessions',
      security: apiKey,
      requestBody: body('SeedSessionRequest'),
      responses: { '201': json('SeedSessionResponse', 'opened'), ...errors(400, 401, 403, 404) },
    },
  },
  '/debug/execute': {
    post: {
      summary: 'Seed alias of POST /v1/commands',
      security: apiKey,
      requestBody: body('SeedExecuteRequest'),
      responses: {
        '200': json('SeedExecuteResponse', 'result (timeouts too)'),
        ...errors(400, 401, 403, 404, 422, 429, 503),
      },
    },
  },
  '/executor/stream': {
    get: {
      summary: 'Seed alias of the executor stream (seed frame shapes)',
      security: executorToken,
      responses: { '200': { description: 'text/event-stream' } },
    },
  },
  '/executor/results': {
    post: {
      summary: 'Seed alias of POST /v1/executor/results',
      security: executorToken,
      requestBody: body('SeedCommandResult'),
      responses: { '200': json('ResultAck', 'acked'), ...errors(400, 401, 403, 404, 409, 413) },
    },
  },
  '/health': {
    get: {
      summary: 'Seed alias of /healthz',
      security: [],
      responses: { '200': { description: '{status:"healthy"}' } },
    },
  },
};

const schemaOf = (schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest;
};

/** OpenAPI 3.1 for the REST surface, built once from the protocol schemas. */
export const buildOpenApiDocument = (version: string): Record<string, unknown> => ({
  openapi: '3.1.0',
  info: {
    title: 'Kubently API',
    version,
    description: 'Relays read-only kubectl commands from callers to per-cluster executors. See docs/api.md.',
  },
  components: {
    securitySchemes: {
      apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      bearerKey: {
        type: 'http',
        scheme: 'bearer',
        description: 'an API key sent as Authorization: Bearer <key> (same keys as X-API-Key)',
      },
      executorToken: {
        type: 'http',
        scheme: 'bearer',
        description: 'the cluster token from POST /v1/clusters',
      },
    },
    schemas: Object.fromEntries(
      Object.entries(components).map(([name, [schema, io]]) => [name, schemaOf(schema, io)]),
    ),
  },
  paths,
});
