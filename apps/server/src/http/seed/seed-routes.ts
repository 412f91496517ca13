import type { Hono } from 'hono';

import {
  headers,
  seedCommandResultSchema,
  seedExecuteRequestSchema,
  seedSessionRequestSchema,
} from '@kubently/protocol';
import type {
  CommandResult,
  SeedCommandResult,
  SeedExecuteRequest,
  SeedExecuteResponse,
  SeedSessionResponse,
} from '@kubently/protocol';

import { toCommandResponse } from '../../commands/command-response.js';
import { isKubentlyError, KubentlyError } from '../../errors/kubently-error.js';
import type { ServerServices } from '../../services.js';
import { isoAt } from '../../support/clock.js';
import type { AppEnv } from '../app-env.js';
import { openStream } from '../executor/executor-routes.js';
import { seedDialect } from '../executor/sse-dialect.js';
import { readJson } from '../read-json.js';
import { requireCaller } from '../require-caller.js';
import { requireExecutor } from '../require-executor.js';
import { registerSeedAgentRoutes } from './agent-routes.js';

/** Seed command types whose commands take a namespace (the seed always sent one, default "default"). */
const namespaced = new Set<SeedExecuteRequest['command_type']>([
  'get',
  'describe',
  'logs',
  'top',
  'events',
  'rollout',
]);

export const seedArgv = (request: SeedExecuteRequest): string[] => [
  request.command_type,
  ...request.args,
  ...(request.extra_args ?? []),
];

/** The seed executor's result shape, mapped onto CommandResult. */
export const fromSeedResult = (result: SeedCommandResult, executorId: string): CommandResult => ({
  commandId: result.command_id,
  exitCode: result.return_code ?? (result.success ? 0 : 1),
  stdout: result.stdout ?? result.output ?? '',
  stderr: result.stderr ?? result.error ?? '',
  durationMs: Math.max(0, result.execution_time_ms ?? 0),
  truncated: false,
  redactions: 0,
  executorId,
});

/**
 * The seed shape carries `service_identity` in the body; only the identity verified with the key
 * (the key's own, or the X-Service-Identity header its allowlist admitted) is echoed back. A body
 * value that differs is refused rather than reported as if it had been checked.
 */
const verifiedServiceIdentity = (
  asserted: string | undefined,
  caller: { readonly identity: string; readonly serviceIdentity?: string | undefined },
): string => {
  const verified = caller.serviceIdentity ?? caller.identity;
  if (asserted !== undefined && asserted !== verified) {
    throw new KubentlyError(
      'bad_request',
      `service_identity "${asserted}" in the body is not the identity this request was verified as ("${verified}"); send it as the X-Service-Identity header (checked against the key's allowed service identities) or leave it out`,
    );
  }
  return verified;
};

/** The original API's routes (snake_case shapes), mapped onto the same services as `/v1`. */
export const registerSeedRoutes = (app: Hono<AppEnv>, services: ServerServices): void => {
  const { apiKeys, config } = services;

  app.post('/debug/session', requireCaller(apiKeys, 'sessions:write'), async (c) => {
    const request = await readJson(c, seedSessionRequestSchema, config.requestBodyLimitBytes);
    const caller = c.get('caller');
    const serviceIdentity = verifiedServiceIdentity(request.service_identity, caller);
    const session = await services.sessions.open({
      clusterId: request.cluster_id,
      ttlSeconds: request.ttl_seconds,
      correlationId: request.correlation_id ?? c.get('correlationId'),
      caller,
    });
    const body: SeedSessionResponse = {
      session_id: session.id,
      cluster_id: session.clusterId,
      status: 'active',
      created_at: session.createdAt,
      expires_at: session.expiresAt,
      ttl_seconds: session.ttlSeconds,
      correlation_id: session.correlationId,
      service_identity: serviceIdentity,
    };
    return c.json(body, 201);
  });

  app.post('/debug/execute', requireCaller(apiKeys, 'commands:run'), async (c) => {
    const request = await readJson(c, seedExecuteRequestSchema, config.requestBodyLimitBytes);
    const correlationId = request.correlation_id ?? c.get('correlationId');
    const base = {
      session_id: request.session_id ?? null,
      cluster_id: request.cluster_id,
      correlation_id: correlationId,
    };
    try {
      const record = await services.commands.submit({
        clusterId: request.cluster_id,
        args: seedArgv(request),
        namespace: namespaced.has(request.command_type) ? request.namespace : undefined,
        timeoutSeconds: request.timeout_seconds,
        sessionId: request.session_id,
        caller: c.get('caller'),
        correlationId,
        source: 'seed',
        wait: true,
        signal: c.req.raw.signal,
      });
      const response = toCommandResponse(record);
      const body: SeedExecuteResponse = {
        ...base,
        command_id: response.id,
        status:
          response.status === 'succeeded'
            ? 'success'
            : response.failure?.code === 'command_timeout'
              ? 'timeout'
              : 'failure',
        output: response.stdout ?? null,
        // kubectl's stderr also on success (warnings such as deprecations are worth reading).
        error: response.stderr || (response.failure?.message ?? null),
        execution_time_ms: response.durationMs === undefined ? null : Math.round(response.durationMs),
        executed_at: response.finishedAt ?? isoAt(services.clock.now()),
      };
      return c.json(body);
    } catch (error) {
      // The seed reported a timeout as a result, not as an HTTP error.
      if (isKubentlyError(error) && error.code === 'command_timeout') {
        const commandId = error.details?.['commandId'];
        const body: SeedExecuteResponse = {
          ...base,
          command_id: typeof commandId === 'string' ? commandId : 'unknown',
          status: 'timeout',
          output: null,
          error: error.message,
          execution_time_ms: request.timeout_seconds * 1000,
          executed_at: isoAt(services.clock.now()),
        };
        return c.json(body);
      }
      throw error;
    }
  });

  app.get('/executor/stream', requireExecutor(services, 'optional'), (c) =>
    openStream(services, c.get('executor'), seedDialect, c.req.header(headers.lastEventId)),
  );

  app.post('/executor/results', requireExecutor(services, 'optional'), async (c) => {
    const result = await readJson(c, seedCommandResultSchema, config.resultBodyLimitBytes);
    const executor = c.get('executor');
    return c.json(
      await services.commands.acceptResult(executor, fromSeedResult(result, executor.executorId)),
    );
  });

  registerSeedAgentRoutes(app, services);
};
