import type { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';

import { headers, seedAgentResultSchema } from '@kubently/protocol';
import type {
  Command,
  CommandResult,
  SeedAgentCommand,
  SeedAgentCommands,
  SeedAgentResult,
  SeedAgentResultAck,
  SeedAgentStatus,
} from '@kubently/protocol';

import { isKubentlyError } from '../../errors/kubently-error.js';
import { anonymousExecutorPrefix } from '../../executors/executor-identity.js';
import { checkCommand } from '../../policy/policy-gate.js';
import type { ServerServices } from '../../services.js';
import type { AppEnv } from '../app-env.js';
import { pollFrames } from '../executor/executor-routes.js';
import { readJson } from '../read-json.js';
import { requireExecutor } from '../require-executor.js';

/**
 * The one executor identity of a cluster's polling agents when they send no X-Executor-ID. Stable
 * across polls (a new id per request would orphan a command whose answer was lost in transit:
 * the hub re-sends it to the same id) and reserved (no executor may send the prefix).
 */
export const seedAgentExecutorId = `${anonymousExecutorPrefix}agent`;

/** requireExecutor, then the stable agent identity for a request without X-Executor-ID. */
const requireAgent = (services: ServerServices) => {
  const authenticate = requireExecutor(services, 'optional');
  const identify = createMiddleware<AppEnv>(async (c, next) => {
    const executor = c.get('executor');
    if (executor.isAnonymous)
      c.set('executor', {
        clusterId: executor.clusterId,
        executorId: seedAgentExecutorId,
        isAnonymous: false,
      });
    await next();
  });
  return [authenticate, identify] as const;
};

/** The result an agent's command would have had, when the server refuses to hand it over. */
const refusal = (command: Command, executorId: string, reason: string): CommandResult => ({
  commandId: command.id,
  exitCode: 1,
  stdout: '',
  stderr: '',
  durationMs: 0,
  truncated: false,
  redactions: 0,
  failure: {
    code: 'policy_denied',
    message: `refused for a polling agent (it enforces no policy, so the server applies the strictest default, readOnly): ${reason}`,
  },
  executorId,
});

/** The seed agent's result mapped onto CommandResult; its output is redacted by the server later. */
export const fromSeedAgentResult = (body: SeedAgentResult, executorId: string): CommandResult => ({
  commandId: body.command_id,
  exitCode: body.result.exit_code ?? (body.result.success ? 0 : 1),
  stdout: body.result.output ?? '',
  stderr: body.result.error ?? '',
  durationMs: Math.max(0, body.result.execution_time_ms ?? 0),
  truncated: false,
  redactions: 0,
  executorId,
});

/**
 * The seed's polling agent protocol (docs/api.md#polling-agent): `GET /agent/status`, long-poll
 * `GET /agent/commands?wait=N`, `POST /agent/results`, with the cluster token. Delivery is the
 * long-poll executor transport's (same queue, acks, redelivery and lost-command failure). Because
 * such an agent neither applies the policy nor redacts, every command is checked again at delivery
 * under the strictest default plus the cluster's policies (a refused one is answered here and never
 * sent), and every result is redacted by the server as possibly incomplete.
 */
export const registerSeedAgentRoutes = (app: Hono<AppEnv>, services: ServerServices): void => {
  const { config } = services;

  app.get('/agent/status', ...requireAgent(services), async (c) => {
    const { clusterId } = c.get('executor');
    const sessions = await services.state.sessions.listByCluster(clusterId);
    const { queued } = await services.state.queue.depth(clusterId);
    const body: SeedAgentStatus = { is_active: sessions.length > 0 || queued > 0 };
    return c.json(body);
  });

  app.get('/agent/commands', ...requireAgent(services), async (c) => {
    const executor = c.get('executor');
    const frames = await pollFrames(services, executor, {
      wait: c.req.query('wait'),
      lastEventId: c.req.header(headers.lastEventId),
      signal: c.req.raw.signal,
    });
    const policies = await services.commands.strictPolicies(executor.clusterId);
    const commands: SeedAgentCommand[] = [];
    for (const frame of frames) {
      if (frame.type !== 'command') continue;
      const { command } = frame;
      let verdict: ReturnType<typeof checkCommand>;
      try {
        verdict = checkCommand({ args: command.args, namespace: command.namespace }, policies);
      } catch (error) {
        if (!isKubentlyError(error)) throw error;
        verdict = { type: 'denied', argv: [...command.args], reason: error.message };
      }
      if (verdict.type === 'allowed') {
        // The policy's argv has the namespace applied: the agent runs `kubectl <args>` as given.
        commands.push({ id: command.id, args: verdict.argv, timeout: command.timeoutSeconds });
        continue;
      }
      try {
        await services.commands.acceptResult(executor, refusal(command, executor.executorId, verdict.reason));
      } catch (error) {
        // The command then ends as any undelivered answer does (its deadline); the others still go.
        if (!isKubentlyError(error)) throw error;
        services.logger.warn(
          { err: error, commandId: command.id },
          'refusing a command for a polling agent failed',
        );
      }
    }
    if (commands.length === 0) return c.body(null, 204);
    const body: SeedAgentCommands = { commands };
    return c.json(body);
  });

  app.post('/agent/results', ...requireAgent(services), async (c) => {
    const body = await readJson(c, seedAgentResultSchema, config.resultBodyLimitBytes);
    const executor = c.get('executor');
    const ack = await services.commands.acceptResult(
      executor,
      fromSeedAgentResult(body, executor.executorId),
      { unenforced: true },
    );
    const answer: SeedAgentResultAck = {
      status: 'accepted',
      command_id: ack.commandId,
      duplicate: ack.duplicate,
    };
    return c.json(answer);
  });
};
