import type { TokenUsage } from '@kubently/agent';

import type { AuditOutcome } from '../audit/audit-writer.js';

/** How a diagnosis ended, as counted in `kubently_diagnosis_duration_seconds{outcome}`. */
export type DiagnosisOutcomeLabel = 'succeeded' | 'failed';

/**
 * What the server's parts report to telemetry. Parts receive this port (never the metrics library)
 * and pass ids and argv as they are: the implementation turns them into bounded labels.
 */
export interface ServerMetrics {
  /** A command reached its terminal state on this replica (once per command, with its audit record). */
  commandFinished(event: {
    readonly clusterId: string;
    readonly argv: readonly string[];
    readonly outcome: AuditOutcome;
    readonly durationSeconds: number;
  }): void;
  policyDenied(event: { readonly clusterId: string; readonly argv: readonly string[] }): void;
  /** Every 401 any surface answers; `surface` is the guard's closed set (rest, seed, a2a, mcp, executor). */
  authFailed(event: { readonly surface: string; readonly reason: 'missing' | 'invalid' }): void;
  /** A request refused by a limit (429 rate_limited or 503 capacity_exceeded); `limit` names it. */
  limitRefused(event: { readonly limit: string; readonly code: 'rate_limited' | 'capacity_exceeded' }): void;
  /** Commands sent again to an executor that reconnected (or after a failed delivery). */
  redelivered(event: { readonly clusterId: string; readonly count: number }): void;
  executorConnected(event: { readonly clusterId: string; readonly transport: 'sse' | 'poll' }): void;
  executorDisconnected(event: { readonly clusterId: string; readonly transport: 'sse' | 'poll' }): void;
  diagnosisFinished(event: {
    readonly clusterId: string;
    readonly outcome: DiagnosisOutcomeLabel;
    readonly durationSeconds: number;
  }): void;
  /** One model step's tokens and its estimated cost (null without a price table). */
  llmUsage(event: {
    readonly provider: string;
    readonly model: string;
    readonly usage: TokenUsage;
    readonly costUsd: number | null;
  }): void;
  /** `route` is the matched route pattern (`/v1/commands/:id`), never the raw path. */
  httpRequest(event: {
    readonly method: string;
    readonly route: string;
    readonly status: number;
    readonly durationSeconds: number;
  }): void;
}

/** For parts built without telemetry (unit tests that construct one service). */
export const noopServerMetrics: ServerMetrics = Object.freeze({
  commandFinished: () => undefined,
  policyDenied: () => undefined,
  authFailed: () => undefined,
  limitRefused: () => undefined,
  redelivered: () => undefined,
  executorConnected: () => undefined,
  executorDisconnected: () => undefined,
  diagnosisFinished: () => undefined,
  llmUsage: () => undefined,
  httpRequest: () => undefined,
});
