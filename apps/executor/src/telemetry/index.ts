export { commandOutcomes, ExecutorMetrics } from './executor-metrics.js';
export type { CommandOutcome, ExecutorMetricsOptions } from './executor-metrics.js';
export { createExecutorTracing, disabledExecutorTracing } from './executor-tracing.js';
export type { ExecutorTracing } from './executor-tracing.js';
