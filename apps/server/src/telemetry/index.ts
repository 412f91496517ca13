export { BoundedLabel, otherLabel } from './bounded-label.js';
export { verbLabelOf } from './kubectl-verb.js';
export { noopServerMetrics } from './server-metrics.js';
export type { DiagnosisOutcomeLabel, ServerMetrics } from './server-metrics.js';
export { createServerTelemetry } from './server-telemetry.js';
export type {
  RedisProbePort,
  ServerMetricSources,
  ServerTelemetry,
  ServerTelemetryOptions,
} from './server-telemetry.js';
export { startMetricsListener } from './metrics-listener.js';
export { contextOf, createServerTracing, disabledTracing, traceparentOf } from './server-tracing.js';
export type { ServerTracing } from './server-tracing.js';
export type { MetricsListener } from './metrics-listener.js';
