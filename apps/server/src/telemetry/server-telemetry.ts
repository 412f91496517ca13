import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

import type { Logger } from '../support/logger.js';
import { BoundedLabel, otherLabel } from './bounded-label.js';
import { verbLabelOf } from './kubectl-verb.js';
import type { ServerMetrics } from './server-metrics.js';

/**
 * Where scrape-time gauges read from. Bound after the services exist (`bind`), because the hub and
 * the cluster service are themselves built with the metrics port.
 */
export interface ServerMetricSources {
  /** Executor links this replica holds now. */
  readonly links: () => readonly { clusterId: string; transport: 'sse' | 'poll' }[];
  /** Registered clusters and their connected executors (state backend: every replica agrees). */
  readonly clusters: () => Promise<readonly { id: string; executors: number }[]>;
  readonly queue: (
    clusterId: string,
  ) => Promise<{ queued: number; pending: number; oldestQueuedAt: number | null }>;
  readonly now: () => number;
  /** Present with the Redis backend: one PING and one pub/sub round trip per scrape. */
  readonly redis?: RedisProbePort | undefined;
}

export interface RedisProbePort {
  roundTripSeconds(): Promise<number>;
  pubsubLagSeconds(): Promise<number>;
}

export interface ServerTelemetryOptions {
  readonly version: string;
  /** Distinct cluster label values before the rest are folded into `other`. */
  readonly maxClusterLabels: number;
  readonly logger: Logger;
  /** process_* and nodejs_* metrics (prom-client defaults); off in tests that build many servers. */
  readonly processMetrics?: boolean;
}

export interface ServerTelemetry {
  readonly metrics: ServerMetrics;
  readonly contentType: string;
  bind(sources: ServerMetricSources): void;
  /** Refreshes the scrape-time gauges, then renders the text exposition format. */
  render(): Promise<string>;
}

const secondsBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const redisBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const httpMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Every instrument of the server, declared here and nowhere else, on a registry of its own (two
 * servers in one process never share series). Labels are bounded: clusters capped by
 * `maxClusterLabels`, verbs by kubectl's command list, routes by the router's patterns, and the
 * rest by closed enumerations. No label carries an id of a command, session, caller or executor.
 */
export const createServerTelemetry = (options: ServerTelemetryOptions): ServerTelemetry => {
  const registry = new Registry();
  const registers = [registry];
  const cluster = new BoundedLabel(options.maxClusterLabels);
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });

  const buildInfo = new Gauge({
    name: 'kubently_build_info',
    help: 'Always 1; the server version as a label.',
    labelNames: ['version'],
    registers,
  });
  buildInfo.set({ version: options.version }, 1);
  const commandDuration = new Histogram({
    name: 'kubently_command_duration_seconds',
    help: 'Time from a command being accepted to its terminal state, by cluster, kubectl verb and outcome.',
    labelNames: ['cluster', 'verb', 'outcome'],
    buckets: secondsBuckets,
    registers,
  });
  const policyDenials = new Counter({
    name: 'kubently_policy_denials_total',
    help: 'Commands refused by the command policy before they were queued.',
    labelNames: ['cluster', 'verb'],
    registers,
  });
  const authFailures = new Counter({
    name: 'kubently_auth_failures_total',
    help: 'Requests answered 401, by surface and whether a credential was missing or invalid.',
    labelNames: ['surface', 'reason'],
    registers,
  });
  const limitRejections = new Counter({
    name: 'kubently_limit_rejections_total',
    help: 'Requests refused by a limit (429 rate_limited or 503 capacity_exceeded), by limit.',
    labelNames: ['limit', 'code'],
    registers,
  });
  const redeliveries = new Counter({
    name: 'kubently_command_redeliveries_total',
    help: 'Commands sent again to an executor that reconnected or after a failed delivery.',
    labelNames: ['cluster'],
    registers,
  });
  const streamsOpened = new Counter({
    name: 'kubently_executor_streams_opened_total',
    help: 'Executor links (SSE streams) opened on this replica.',
    labelNames: ['cluster'],
    registers,
  });
  const streamsClosed = new Counter({
    name: 'kubently_executor_streams_closed_total',
    help: 'Executor links (SSE streams) closed on this replica, for any reason.',
    labelNames: ['cluster'],
    registers,
  });
  const connections = new Gauge({
    name: 'kubently_executor_connections',
    help: 'Executor links this replica holds, by cluster and transport.',
    labelNames: ['cluster', 'transport'],
    registers,
  });
  const clusters = new Gauge({
    name: 'kubently_clusters',
    help: 'Registered clusters with (connected) and without (disconnected) a connected executor.',
    labelNames: ['state'],
    registers,
  });
  const clusterExecutors = new Gauge({
    name: 'kubently_cluster_executors',
    help: 'Connected executors of each registered cluster, from the state backend (same on every replica).',
    labelNames: ['cluster'],
    registers,
  });
  const queueDepth = new Gauge({
    name: 'kubently_command_queue_depth',
    help: 'Commands in the cluster queue: queued (undelivered) or pending (delivered, not acked).',
    labelNames: ['cluster', 'state'],
    registers,
  });
  const queueOldestAge = new Gauge({
    name: 'kubently_command_queue_oldest_age_seconds',
    help: 'Age of the oldest undelivered command of the cluster (0 when none is queued).',
    labelNames: ['cluster'],
    registers,
  });
  const backendUp = new Gauge({
    name: 'kubently_state_backend_up',
    help: 'Whether the last scrape could read the state backend (1) or not (0).',
    registers,
  });
  const redisRoundTrip = new Histogram({
    name: 'kubently_redis_roundtrip_seconds',
    help: 'Redis PING round trip, sampled once per scrape.',
    buckets: redisBuckets,
    registers,
  });
  const redisPubsubLag = new Histogram({
    name: 'kubently_redis_pubsub_lag_seconds',
    help: 'Time for a message published to Redis to reach this replica subscriber, sampled once per scrape.',
    buckets: redisBuckets,
    registers,
  });
  const diagnosisDuration = new Histogram({
    name: 'kubently_diagnosis_duration_seconds',
    help: 'Whole-cluster diagnoses (collection and rules), by cluster and outcome.',
    labelNames: ['cluster', 'outcome'],
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers,
  });
  const llmTokens = new Counter({
    name: 'kubently_llm_tokens_total',
    help: 'Tokens the agent model used, by provider, model and type (input, output, cached_input).',
    labelNames: ['provider', 'model', 'type'],
    registers,
  });
  const llmCost = new Counter({
    name: 'kubently_llm_cost_usd_total',
    help: 'Estimated model cost in US dollars from the configured price table.',
    labelNames: ['provider', 'model'],
    registers,
  });
  const httpRequests = new Counter({
    name: 'kubently_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'code'],
    registers,
  });

  const metrics: ServerMetrics = {
    commandFinished: (event) => {
      commandDuration.observe(
        { cluster: cluster.of(event.clusterId), verb: verbLabelOf(event.argv), outcome: event.outcome },
        Math.max(0, event.durationSeconds),
      );
    },
    policyDenied: (event) => {
      policyDenials.inc({ cluster: cluster.of(event.clusterId), verb: verbLabelOf(event.argv) });
    },
    authFailed: (event) => {
      authFailures.inc({ surface: event.surface, reason: event.reason });
    },
    limitRefused: (event) => {
      limitRejections.inc({
        limit: /^[a-zA-Z-]{1,64}$/.test(event.limit) ? event.limit : otherLabel,
        code: event.code,
      });
    },
    redelivered: (event) => {
      if (event.count > 0) redeliveries.inc({ cluster: cluster.of(event.clusterId) }, event.count);
    },
    executorConnected: (event) => {
      if (event.transport === 'sse') streamsOpened.inc({ cluster: cluster.of(event.clusterId) });
    },
    executorDisconnected: (event) => {
      if (event.transport === 'sse') streamsClosed.inc({ cluster: cluster.of(event.clusterId) });
    },
    diagnosisFinished: (event) => {
      diagnosisDuration.observe(
        { cluster: cluster.of(event.clusterId), outcome: event.outcome },
        Math.max(0, event.durationSeconds),
      );
    },
    llmUsage: (event) => {
      const labels = { provider: event.provider, model: event.model };
      llmTokens.inc({ ...labels, type: 'input' }, event.usage.inputTokens);
      llmTokens.inc({ ...labels, type: 'output' }, event.usage.outputTokens);
      llmTokens.inc({ ...labels, type: 'cached_input' }, event.usage.cachedInputTokens);
      if (event.costUsd !== null) llmCost.inc(labels, event.costUsd);
    },
    httpRequest: (event) => {
      httpRequests.inc({
        method: httpMethods.has(event.method) ? event.method : otherLabel,
        route: event.route,
        code: String(event.status),
      });
    },
  };

  let sources: ServerMetricSources | undefined;
  /** Concurrent scrapes share one refresh: gauges are reset and refilled, never interleaved. */
  let rendering: Promise<string> | undefined;
  const refresh = async (bound: ServerMetricSources): Promise<void> => {
    connections.reset();
    for (const link of bound.links())
      connections.inc({ cluster: cluster.of(link.clusterId), transport: link.transport });
    clusters.reset();
    clusterExecutors.reset();
    queueDepth.reset();
    queueOldestAge.reset();
    try {
      const registered = await bound.clusters();
      const connected = registered.filter((entry) => entry.executors > 0).length;
      clusters.set({ state: 'connected' }, connected);
      clusters.set({ state: 'disconnected' }, registered.length - connected);
      const now = bound.now();
      // Folded clusters (`other`) add their depths and keep the oldest age of them all.
      const oldest = new Map<string, number>();
      for (const entry of registered) {
        const label = cluster.of(entry.id);
        clusterExecutors.inc({ cluster: label }, entry.executors);
        const depth = await bound.queue(entry.id);
        queueDepth.inc({ cluster: label, state: 'queued' }, depth.queued);
        queueDepth.inc({ cluster: label, state: 'pending' }, depth.pending);
        const age = depth.oldestQueuedAt === null ? 0 : Math.max(0, (now - depth.oldestQueuedAt) / 1000);
        oldest.set(label, Math.max(age, oldest.get(label) ?? 0));
      }
      for (const [label, age] of oldest) queueOldestAge.set({ cluster: label }, age);
      backendUp.set(1);
    } catch (error) {
      backendUp.set(0);
      options.logger.warn({ err: error }, 'metrics: reading the state backend failed');
    }
    if (bound.redis !== undefined) {
      try {
        redisRoundTrip.observe(await bound.redis.roundTripSeconds());
        redisPubsubLag.observe(await bound.redis.pubsubLagSeconds());
      } catch (error) {
        backendUp.set(0);
        options.logger.warn({ err: error }, 'metrics: probing Redis failed');
      }
    }
  };

  return {
    metrics,
    contentType: registry.contentType,
    bind: (bound) => {
      sources = bound;
    },
    render: () =>
      (rendering ??= (async () => {
        try {
          if (sources !== undefined) await refresh(sources);
          return await registry.metrics();
        } finally {
          rendering = undefined;
        }
      })()),
  };
};
