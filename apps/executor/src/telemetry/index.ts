export { commandOutcomes, ExecutorMetrics } from './executor-metrics.js';
export type { CommandOutcome, ExecutorMetricsOptions } from './executor-metrics.js';
