import type { ExecutorCapabilities, ExecutorFrame } from '@kubently/protocol';

import { detectKubectlVersion } from './capabilities/detect-kubectl-version.js';
import { ApiServerMonitor, checkApiServer, prepareClusterKubectl } from './cluster/index.js';
import type { ExecutorConfig } from './config.js';
import { defaultDependencies } from './dependencies.js';
import type { ExecutorDependencies } from './dependencies.js';
import { KubentlyError } from './executor-error.js';
import type { LinkHandlers } from './link/link-handlers.js';
import { LinkRestored } from './link/link-restored.js';
import { policyCapabilities, createPolicyInForce } from './policy/index.js';
import { runPollLink } from './link/poll-link.js';
import { backoffDelayMs } from './link/backoff.js';
import { describeError, RetryableError, ServerClient } from './link/server-client.js';
import { serverFetch } from './link/server-fetch.js';
import { runSseLink } from './link/sse-link.js';
import { ClusterRemovedError, TokenRejection } from './link/token-rejection.js';
import { createLogger } from './logger.js';
import type { Logger } from './logger.js';
import { startHealthServer } from './observability/health-server.js';
import type { HealthServer } from './observability/health-server.js';
import { readinessChecks } from './observability/readiness-checks.js';
import { CommandRunner } from './runner/command-runner.js';
import type { ApiReader } from './reader/api-reader.js';
import { openApiReader, readBudgetBytes, readCapability } from './reader/open-api-reader.js';
import { postResultUntilAcked } from './runner/result-poster.js';
import { createExecutorTracing, disabledExecutorTracing, ExecutorMetrics } from './telemetry/index.js';
import { executorVersion } from './version.js';

export interface StartOverrides extends Partial<ExecutorDependencies> {
  readonly logger?: Logger;
  /** Default: process metrics on (tests that start many executors pass their own). */
  readonly metrics?: ExecutorMetrics;
}

export interface RunningExecutor {
  /** Generated once per process; sent as X-Executor-ID. */
  readonly executorId: string;
  /** Base URL of the local health/metrics server, or null when no health port is configured. */
  readonly healthUrl: string | null;
  readonly metrics: ExecutorMetrics;
  /**
   * Resolves when the executor stops by itself: the server said its cluster was removed (410). The
   * caller then closes it and exits with a distinct code (main.ts: 3). Never rejects.
   */
  readonly stopped: Promise<ExecutorStop>;
  /** Stops the link, kills running kubectl processes, posts their results (bounded) and returns. */
  close(): Promise<void>;
}

export type ExecutorStop = { readonly type: 'cluster-removed'; readonly message: string };

/** How long close() keeps trying to deliver the last results before giving up. */
const drainMs = 5000;
const versionProbeTimeoutMs = 5000;
const apiServerCheckTimeoutMs = 10_000;
const resultGiveUpMs = 10 * 60 * 1000;
/** Capabilities posts per connection before giving up until the next one. */
const capabilityAttempts = 6;

/** Starts an executor: the link to the server, the runner and the optional health server. */
export async function start(
  config: ExecutorConfig,
  overrides: StartOverrides = {},
): Promise<RunningExecutor> {
  const deps: ExecutorDependencies = {
    ...defaultDependencies,
    fetch: serverFetch(config.serverCa),
    ...overrides,
  };
  const executorId = deps.newId();
  const logger =
    overrides.logger ?? createLogger(config.logLevel, { clusterId: config.clusterId, executorId });
  const metrics =
    overrides.metrics ?? new ExecutorMetrics({ clusterId: config.clusterId, processMetrics: true });
  const tracing =
    config.tracing === null
      ? disabledExecutorTracing
      : createExecutorTracing(config.tracing, {
          clusterId: config.clusterId,
          executorId,
          version: executorVersion,
        });
  // Result retries waiting out a backoff go at once when the link comes back.
  const linkRestored = new LinkRestored();
  const linkAbort = new AbortController();
  const postAbort = new AbortController();
  const client = new ServerClient({
    apiUrl: config.apiUrl,
    clusterId: config.clusterId,
    token: config.token,
    executorId,
    fetch: deps.fetch,
    traceparentOf: (commandId) => tracing.traceparentOf(commandId),
  });

  const clusterKubectl = await prepareClusterKubectl(config, logger);
  const { kubectlHome, target } = clusterKubectl;
  logger.info(
    { apiServer: target.server, credentials: config.cluster.type, namespace: target.namespace },
    'kubectl talks to this cluster',
  );

  // The read path's API client (decision 0011): kubectl's server and identity.
  const reader: Promise<ApiReader | null> = config.readPath
    ? openApiReader({ kubectl: config.kubectl, env: kubectlHome.environment, logger }).catch(() => null)
    : Promise.resolve(null);
  const kubectlVersion: Promise<string | null> = detectKubectlVersion({
    kubectl: config.kubectl,
    env: kubectlHome.environment,
    timeoutMs: versionProbeTimeoutMs,
    signal: linkAbort.signal,
  });
  // A change (API server, policy) is reported at once over a live link, else at the next connection.
  const reportIfConnected = (): void => {
    if (metrics.isConnected) reportAndLog();
  };
  const monitorAbort = new AbortController();
  const monitor = new ApiServerMonitor({
    check: (signal) =>
      checkApiServer({
        kubectl: config.kubectl,
        env: kubectlHome.environment,
        credentials: config.cluster.type,
        server: target.server,
        namespace: target.namespace,
        timeoutMs: apiServerCheckTimeoutMs,
        now: deps.now,
        signal,
      }),
    intervalMs: config.clusterCheckMs,
    sleep: deps.sleep,
    logger,
    onChange: reportIfConnected,
    signal: monitorAbort.signal,
  });
  const policy = createPolicyInForce({
    policy: config.policy,
    file: config.policyFile,
    intervalMs: config.policyReloadMs,
    sleep: deps.sleep,
    logger,
    onReload: reportIfConnected,
  });
  let rejectedMessage: string | null = null;
  let health: HealthServer | null = null;
  if (config.health !== null) {
    health = await startHealthServer({
      ...config.health,
      version: executorVersion,
      metrics,
      checks: () => ({
        ...policy.checks(),
        ...readinessChecks({ isConnected: metrics.isConnected, rejectedMessage, apiServer: monitor.current }),
      }),
    });
  }
  const monitorDone = monitor.run().catch((error: unknown) => {
    logger.error({ err: describeError(error) }, 'the API server check stopped unexpectedly');
  });
  policy.start();
  const runner = new CommandRunner({
    kubectl: config.kubectl,
    policy: () => policy.current(),
    maxConcurrency: config.maxConcurrency,
    maxOutputBytes: config.maxOutputBytes,
    kubectlEnvironment: kubectlHome.environment,
    reader,
    maxReadBytes: () => readBudgetBytes(config.maxOutputBytes, client.maxResultBytes),
    executorId,
    metrics,
    logger,
    now: deps.now,
    publish: async (result) => {
      tracing.commandFinished(result);
      const outcome = await postResultUntilAcked(
        {
          client,
          logger,
          maxBackoffMs: config.maxBackoffMs,
          giveUpAfterMs: resultGiveUpMs,
          now: deps.now,
          sleep: deps.sleep,
          random: deps.random,
          linkRestored: () => linkRestored.next(),
        },
        result,
        postAbort.signal,
      );
      metrics.resultDelivered(outcome);
      tracing.forget(result.commandId);
      logger.debug({ commandId: result.commandId, outcome }, 'result delivery ended');
    },
  });
  /** Bumped on every (re)connection: a report still retrying for an older one stops. */
  let connection = 0;
  /** The API server's version at the last check that got one. */
  let lastServerVersion: string | null = null;
  const reportCapabilities = async (): Promise<void> => {
    const mine = (connection += 1);
    const known = { kubectlVersion: await kubectlVersion, reader: await reader };
    // Reported at once (the server's pre-check needs the policy); the first API server check,
    // when it ends, is reported again by the monitor's onChange.
    const status = monitor.current;
    if (status !== null && status.serverVersion !== null) lastServerVersion = status.serverVersion;
    const capabilities: ExecutorCapabilities = {
      executorId,
      executorVersion,
      ...policyCapabilities(policy.current()),
      kubectlVersion: known.kubectlVersion,
      kubernetesVersion: lastServerVersion,
      maxConcurrency: config.maxConcurrency,
      transport: config.transport,
      ...(status === null ? {} : { apiServer: status }),
      ...(known.reader === null ? {} : { read: readCapability }),
    };
    // The server takes a report only over a live link (409 until it has recorded this one, e.g. on
    // another replica): retry briefly while this connection is the current one.
    for (let attempt = 0; ; attempt += 1) {
      try {
        await client.postCapabilities(capabilities, linkAbort.signal);
        return;
      } catch (error) {
        const isWorthRetrying =
          error instanceof RetryableError || (error instanceof KubentlyError && error.code === 'conflict');
        if (!isWorthRetrying || attempt >= capabilityAttempts - 1 || mine !== connection) throw error;
      }
      const delayMs = backoffDelayMs(attempt, {
        baseMs: 250,
        capMs: config.maxBackoffMs,
        random: deps.random,
      });
      await deps.sleep(delayMs, linkAbort.signal);
      if (mine !== connection) return;
    }
  };

  function reportAndLog(): void {
    reportCapabilities().catch((error: unknown) => {
      if (!linkAbort.signal.aborted)
        logger.warn({ err: describeError(error) }, 'could not report capabilities');
    });
  }

  let hasConnected = false;
  const handlers: LinkHandlers = {
    onConnected: () => {
      linkRestored.restored();
      if (hasConnected) metrics.reconnected();
      hasConnected = true;
      metrics.setConnected(true);
      logger.info({ apiUrl: config.apiUrl, transport: config.transport }, 'connected to the server');
      reportAndLog();
    },
    onFrame: (frame: ExecutorFrame) => {
      switch (frame.type) {
        case 'connected':
          client.learnResultLimit(frame.maxResultBytes);
          logger.debug(
            { serverVersion: frame.serverVersion, maxResultBytes: frame.maxResultBytes },
            'server confirmed the stream',
          );
          return;
        case 'command':
          if (frame.command.clusterId !== config.clusterId) {
            logger.error(
              { commandId: frame.command.id, clusterId: frame.command.clusterId },
              'ignoring a command for another cluster',
            );
            return;
          }
          tracing.commandReceived(frame.command);
          runner.submit(frame.command);
          return;
        case 'session-started':
          logger.info({ sessionId: frame.sessionId, expiresAt: frame.expiresAt }, 'session started');
          return;
        case 'session-ended':
          logger.info({ sessionId: frame.sessionId, reason: frame.reason }, 'session ended');
          return;
        case 'cancel':
          runner.cancel(frame.commandId, frame.reason);
          return;
      }
    },
    onDisconnected: (reason) => {
      metrics.setConnected(false);
      logger.warn({ reason }, 'disconnected from the server');
    },
  };

  const rejection = new TokenRejection({
    logger,
    capMs: config.rejectedBackoffMs,
    random: deps.random,
    onChange: (message) => {
      rejectedMessage = message;
    },
  });
  const linkOptions = {
    client,
    rejection,
    handlers,
    logger,
    maxBackoffMs: config.maxBackoffMs,
    sleep: deps.sleep,
    random: deps.random,
    signal: linkAbort.signal,
  };
  const link =
    config.transport === 'sse'
      ? runSseLink({ ...linkOptions, watchdogMs: config.watchdogMs })
      : runPollLink({ ...linkOptions, waitSeconds: config.pollWaitSeconds });
  let reportStop: (stop: ExecutorStop) => void = () => undefined;
  const stopped = new Promise<ExecutorStop>((resolve) => {
    reportStop = resolve;
  });
  const linkDone = link.catch((error: unknown) => {
    if (error instanceof ClusterRemovedError) {
      logger.error(
        { err: error.message },
        'the server says this cluster was removed: the executor stops (remove its deployment, or register the cluster again and give the executor the new token)',
      );
      reportStop({ type: 'cluster-removed', message: error.message });
      return;
    }
    logger.error({ err: describeError(error) }, 'the server link stopped unexpectedly');
  });
  logger.info(
    {
      executorId,
      apiUrl: config.apiUrl,
      transport: config.transport,
      mode: policy.current().mode,
      healthUrl: health?.url,
    },
    'executor started',
  );

  let closing: Promise<void> | null = null;
  const close = async (): Promise<void> => {
    linkAbort.abort(new Error('executor closing'));
    const drained = runner.close();
    const timer = setTimeout(() => {
      postAbort.abort();
    }, drainMs);
    await drained;
    clearTimeout(timer);
    postAbort.abort();
    await linkDone;
    monitorAbort.abort();
    await monitorDone;
    await policy.stop();
    await kubectlVersion.catch(() => undefined);
    (await reader)?.close();
    await clusterKubectl.remove();
    await health?.close();
    await tracing.shutdown();
    logger.info('executor stopped');
  };
  return {
    executorId,
    healthUrl: health?.url ?? null,
    metrics,
    stopped,
    close: () => (closing ??= close()),
  };
}
