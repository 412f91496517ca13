import { createModelFromConfig } from '@kubently/agent';
import type { ConversationStore } from '@kubently/agent';
import type { NotifyTransport } from '@kubently/notify';
import type { Command } from '@kubently/protocol';

import { createAgentService } from './agent/agent-service.js';
import type { AgentLanguageModel, AgentService } from './agent/agent-service.js';
import { createApiKeyVerifier } from './auth/api-key-verifier.js';
import { AuthFailureGuard } from './auth/auth-failure-guard.js';
import { KeyService } from './auth/key-service.js';
import { withRateLimits } from './auth/rate-limited-verifier.js';
import { createOidcVerifier } from './auth/oidc-verifier.js';
import type { ApiKeyVerifier } from './auth/api-key-verifier.js';
import { AuditWriter } from './audit/audit-writer.js';
import { CallbackSender } from './callbacks/callback-sender.js';
import { systemResolve } from './callbacks/callback-target.js';
import type { ResolveHost } from './callbacks/callback-target.js';
import { CommandCallbacks } from './callbacks/command-callbacks.js';
import { ClusterService } from './clusters/cluster-service.js';
import { CommandLimits } from './commands/command-limits.js';
import { CommandCheck } from './commands/command-check.js';
import { CommandFeed } from './commands/command-feed.js';
import { CommandService } from './commands/command-service.js';
import { DiagnosisService } from './diagnosis/diagnosis-service.js';
import type { ServerConfig } from './config.js';
import { ExecutorHub } from './executors/executor-hub.js';
import { createNotifications } from './watch/index.js';
import type { Notifications } from './watch/index.js';
import { followReportedPolicies } from './policy/policy-gate.js';
import type { PolicyResolver } from './policy/policy-gate.js';
import { SessionService } from './sessions/session-service.js';
import { createMemoryState } from './state/memory/create-memory-state.js';
import type { StateStore } from './state/state-store.js';
import { systemClock } from './support/clock.js';
import type { Clock } from './support/clock.js';
import { uuidGenerator } from './support/ids.js';
import type { IdGenerator } from './support/ids.js';
import { createLogger } from './support/logger.js';
import type { Logger } from './support/logger.js';
import { systemTimers } from './support/timers.js';
import { createServerTelemetry, createServerTracing, disabledTracing } from './telemetry/index.js';
import type { RedisProbePort, ServerTelemetry, ServerTracing } from './telemetry/index.js';
import type { Timers } from './support/timers.js';

/** Everything the HTTP layer needs; built by `createServices`, replaced piecewise in tests. */
export interface ServerServices {
  readonly config: ServerConfig;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  readonly state: StateStore;
  readonly apiKeys: ApiKeyVerifier;
  /** Managed API keys (`/v1/keys`). */
  readonly keys: KeyService;
  /** Failed authentication: logged per source and slowed down (429) past the limit. */
  readonly authFailures: AuthFailureGuard;
  readonly hub: ExecutorHub;
  readonly clusters: ClusterService;
  readonly sessions: SessionService;
  readonly commands: CommandService;
  /** Signed result deliveries of async commands (`callbackUrl`). */
  readonly callbacks: CommandCallbacks;
  /** Signed, checked POSTs to caller-given URLs (callbacks, A2A pushes). */
  readonly callbackSender: CallbackSender;
  /** Host name resolution for callback URL checks (tests: a table). */
  readonly resolveHost: ResolveHost;
  readonly audit: AuditWriter;
  /** The policy's verdict without running (`POST /v1/commands/check`). */
  readonly commandCheck: CommandCheck;
  /** Live audit records for `GET /v1/commands/stream`. */
  readonly commandFeed: CommandFeed;
  /** The troubleshooting agent; `agent.run({caller, correlationId, ...})` acts as that caller. */
  readonly agent: AgentService;
  /** Collects a snapshot through the cluster's executor as the caller and runs the rule engine. */
  readonly diagnosis: DiagnosisService;
  /** Prometheus instruments (`telemetry.metrics` is the port the parts report to) and `/metrics`. */
  readonly telemetry: ServerTelemetry;
  /** Spans per request and per command (OTEL_*; off by default). */
  readonly tracing: ServerTracing;
  /** Sinks and the watch loop (KUBENTLY_NOTIFY_CONFIG); null parts when not configured. */
  readonly notifications: Notifications;
  readonly isShuttingDown: () => boolean;
  /** Fails waiting callers with shutting_down, closes executor links, stops timers, closes state. */
  close(): Promise<void>;
}

export interface ServiceOverrides {
  readonly clock?: Clock;
  /** Command deadlines and executor graces (tests: fake timers driven by a fake clock). */
  readonly timers?: Timers;
  readonly ids?: IdGenerator;
  readonly logger?: Logger;
  readonly state?: StateStore;
  readonly policy?: PolicyResolver;
  /** The agent's language model (tests: a scripted model); null forces engine-only mode. */
  readonly model?: AgentLanguageModel | null;
  /** OIDC JWKS refetch cooldown and cache age (tests: 0, so a rotation at the issuer shows at once). */
  readonly oidcJwks?: { readonly jwksCooldownMs?: number; readonly jwksCacheMaxAgeMs?: number };
  /** Conversation memory; default the state backend's. */
  readonly conversations?: ConversationStore;
  readonly telemetry?: ServerTelemetry;
  /** The Redis backend's probe (start() passes it): round trip and pub/sub lag per scrape. */
  readonly redisProbe?: RedisProbePort;
  /** How callback hosts resolve (tests: names that stand for private or metadata addresses). */
  readonly resolveHost?: ResolveHost;
  /** How notices leave the process (tests: the real one against local receivers is the default). */
  readonly notifyTransport?: NotifyTransport;
}

/** Session expiry notices and result sweeping run on one coarse timer, never per command. */
const housekeepingIntervalMs = 1000;
const sweepEveryTicks = 30;
/** Collector commands one diagnosis keeps in flight (the executor runs 4 at once by default). */
const diagnosisConcurrency = 6;
/** Async commands: extra time past their timeout for the executor's own timeout result. */
const asyncSlackMs = 5000;

export const createServices = (config: ServerConfig, overrides: ServiceOverrides = {}): ServerServices => {
  const clock = overrides.clock ?? systemClock;
  const ids = overrides.ids ?? uuidGenerator;
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const state =
    overrides.state ??
    createMemoryState({
      clock,
      resultTtlMs: config.resultTtlSeconds * 1000,
      auditMaxRecords: config.auditMaxRecords,
    });
  const telemetry =
    overrides.telemetry ??
    createServerTelemetry({ version: config.version, maxClusterLabels: config.metricsMaxClusters, logger });
  const { metrics } = telemetry;
  const tracing =
    config.tracing === null ? disabledTracing : createServerTracing(config.tracing, config.version);
  const audit = new AuditWriter(state.audit, clock, ids, logger);
  // The hub reports lost commands to the command service, which needs the hub: bound below.
  const lost: { fail?: (command: Command, executorId: string) => Promise<void> } = {};
  const hub = new ExecutorHub({
    state,
    clock,
    logger,
    redeliveryGraceMs: config.redeliveryGraceMs,
    onLost: (command, executorId) => lost.fail?.(command, executorId) ?? Promise.resolve(),
    metrics,
  });
  const clusters = new ClusterService({
    state,
    hub,
    clock,
    logger,
    tokenOverlapSeconds: config.tokenOverlapSeconds,
  });
  const sessions = new SessionService({
    state,
    hub,
    clock,
    ids,
    logger,
    defaultTtlSeconds: config.sessionTtlSeconds,
  });
  const policy = overrides.policy ?? followReportedPolicies;
  const commandFeed = new CommandFeed({
    audit: state.audit,
    timers: overrides.timers ?? systemTimers,
    logger,
  });
  const commands = new CommandService({
    state,
    hub,
    audit,
    clock,
    timers: overrides.timers ?? systemTimers,
    ids,
    logger,
    limits: new CommandLimits({
      state,
      clock,
      logger,
      maxCommandsInFlightPerIdentity: config.maxCommandsInFlightPerIdentity,
      maxQueuedCommandsPerCluster: config.maxQueuedCommandsPerCluster,
      maxResultBytesPerIdentity: config.maxResultBytesPerIdentity,
      maxResultBytesTotal: config.maxResultBytesTotal,
      resultTtlMs: config.resultTtlSeconds * 1000,
      metrics,
    }),
    policy,
    reportedPolicies: (clusterId) => clusters.reportedPolicies(clusterId),
    executorGraceMs: config.executorGraceMs,
    asyncSlackMs,
    metrics,
    tracing,
  });
  lost.fail = (command, executorId) => commands.failLost(command, executorId);
  const resolveHost = overrides.resolveHost ?? systemResolve;
  const callbackSender = new CallbackSender({
    config: config.callbacks,
    clock,
    timers: overrides.timers ?? systemTimers,
    logger,
    resolve: resolveHost,
  });
  const callbacks = new CommandCallbacks({
    config: config.callbacks,
    state,
    sender: callbackSender,
    timers: overrides.timers ?? systemTimers,
    logger,
    resolve: resolveHost,
    asyncSlackMs,
  });
  clusters.bind(commands, sessions);
  const diagnosis = new DiagnosisService({
    commands,
    clusters,
    clock,
    logger,
    // Its commands share the caller's in-flight slots: a small limit narrows the diagnosis, not fails it.
    concurrency: Math.min(diagnosisConcurrency, config.maxCommandsInFlightPerIdentity),
    metrics,
  });
  const agent = createAgentService({
    config: config.agent,
    model:
      overrides.model !== undefined
        ? overrides.model
        : config.agent.model === null
          ? null
          : createModelFromConfig(config.agent.model),
    clusters,
    commands,
    conversations: overrides.conversations ?? state.conversations,
    clock,
    diagnose: async (input) => (await diagnosis.diagnose(input)).report,
    metrics,
    tracing,
  });
  telemetry.bind({
    links: () => hub.links(),
    // Metrics report every cluster: an unscoped, read-only view for the server itself.
    clusters: async () =>
      (await clusters.list({ identity: 'kubently:metrics', role: 'viewer' })).map(({ id, executors }) => ({
        id,
        executors,
      })),
    queue: async (clusterId) => ({
      ...(await state.queue.depth(clusterId)),
      oldestQueuedAt: await state.queue.oldestQueuedAt(clusterId),
    }),
    now: () => clock.now(),
    redis: overrides.redisProbe,
  });

  const rateLimited = (verifier: ApiKeyVerifier): ApiKeyVerifier =>
    Object.keys(config.rateLimitsPerRole).length === 0 && config.serviceRateLimit === null
      ? verifier
      : withRateLimits(verifier, {
          limiter: state.rates,
          clock,
          limits: { perRole: config.rateLimitsPerRole, perService: config.serviceRateLimit },
          metrics,
        });

  const notifications = createNotifications({
    config: config.notify,
    transport: overrides.notifyTransport,
    state,
    diagnosis,
    clock,
    timers: overrides.timers ?? systemTimers,
    ids,
    logger,
  });

  let ticks = 0;
  const housekeeping = setInterval(() => {
    ticks += 1;
    const sweep = ticks % sweepEveryTicks === 0 ? state.commands.sweep() : Promise.resolve(0);
    Promise.all([sessions.expire(), sweep]).catch((error: unknown) => {
      logger.error({ err: error }, 'housekeeping failed');
    });
  }, housekeepingIntervalMs);
  housekeeping.unref();

  let shuttingDown = false;
  return {
    config,
    clock,
    ids,
    logger,
    state,
    apiKeys: rateLimited(
      createApiKeyVerifier({
        entries: config.apiKeys,
        store: state.keys,
        clock,
        logger,
        oidc:
          config.oidc === null
            ? undefined
            : createOidcVerifier({ config: config.oidc, clock, logger, ...overrides.oidcJwks }),
      }),
    ),
    keys: new KeyService({
      store: state.keys,
      environmentKeys: config.apiKeys,
      clock,
      logger,
      defaultOverlapSeconds: config.tokenOverlapSeconds,
    }),
    authFailures: new AuthFailureGuard({ clock, logger, maxFailures: config.authFailureLimit, metrics }),
    hub,
    clusters,
    sessions,
    commands,
    callbacks,
    callbackSender,
    resolveHost,
    audit,
    commandCheck: new CommandCheck({
      requireCluster: (clusterId, caller) => clusters.get(clusterId, caller),
      reportedPolicies: (clusterId) => clusters.reportedPolicies(clusterId),
      policy,
    }),
    commandFeed,
    agent,
    diagnosis,
    telemetry,
    tracing,
    notifications,
    isShuttingDown: () => shuttingDown,
    close: async () => {
      if (shuttingDown) return;
      shuttingDown = true;
      clearInterval(housekeeping);
      commandFeed.close();
      await notifications.close();
      commands.close();
      await callbacks.close();
      hub.close();
      await state.close();
      await tracing.shutdown();
    },
  };
};
