import type { ReportLike } from '@kubently/protocol';

import type { Caller } from '../../auth/api-key-verifier.js';
import type { ClusterService } from '../../clusters/cluster-service.js';
import type { CommandService } from '../../commands/command-service.js';
import type { SessionService } from '../../sessions/session-service.js';
import type { Logger } from '../../support/logger.js';

/** Who is calling and under which correlation id: one per HTTP request to `/mcp`. */
export interface McpCaller {
  readonly caller: Caller;
  readonly correlationId: string;
}

/** What one agent run reports that the MCP tool uses (the agent's `AgentEvent`, structurally). */
export interface McpAgentEvent {
  readonly type: string;
  readonly tool?: string;
  readonly args?: unknown;
  readonly summary?: string;
  readonly durationMs?: number;
  readonly outcome?: string;
}

export type McpAgentOutcome =
  | {
      readonly type: 'final';
      readonly answer: string;
      readonly usage: {
        readonly inputTokens: number;
        readonly outputTokens: number;
        readonly totalTokens: number;
        readonly cachedInputTokens: number;
      };
      readonly costUsd: number | null;
      readonly steps: number;
      readonly stopReason: 'answered' | 'step_budget' | 'token_budget' | 'engine_only';
      readonly mode: 'model' | 'engine';
    }
  | { readonly type: 'error'; readonly code: string; readonly message: string };

/** The server's agent service as `ask_kubently` uses it. */
export interface McpAgentPort {
  readonly mode: 'model' | 'engine';
  run(input: {
    readonly caller: Caller;
    readonly correlationId: string;
    readonly question: string;
    readonly conversationId: string;
    readonly clusterId?: string | undefined;
    readonly namespace?: string | undefined;
    readonly signal?: AbortSignal | undefined;
    readonly onEvent?: ((event: McpAgentEvent) => void) | undefined;
    readonly source?: 'mcp' | undefined;
  }): Promise<McpAgentOutcome>;
}

/** The server's diagnosis service as `diagnose_cluster` uses it. */
export interface McpDiagnosisPort {
  diagnose(input: {
    readonly clusterId: string;
    readonly namespaces?: readonly string[] | undefined;
    readonly include?: readonly 'posture'[] | undefined;
    readonly caller: Caller;
    readonly correlationId: string;
    readonly signal: AbortSignal;
  }): Promise<{ readonly report: ReportLike }>;
}

/**
 * What the MCP surface needs. `agent` and `diagnosis` are optional: a tool whose service is absent
 * is not offered at all, so the tool list never promises what the server cannot do.
 */
export interface McpServices {
  readonly version: string;
  readonly logger: Logger;
  readonly clusters: ClusterService;
  readonly sessions: SessionService;
  readonly commands: CommandService;
  readonly agent?: McpAgentPort | undefined;
  readonly diagnosis?: McpDiagnosisPort | undefined;
}
