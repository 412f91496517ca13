import type { ToolOutcome } from '../tools/tool-result.js';

export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly totalTokens: number;
  /** Input tokens served from the provider's cache (0 when the provider does not say). */
  readonly cachedInputTokens: number;
}

/** Why a run ended. */
export type StopReason =
  | 'answered'
  /** The step budget ran out; the last step was forced to answer without tools. */
  | 'step_budget'
  /** The token budget ran out; the last step was forced to answer without tools. */
  | 'token_budget'
  /** No model configured: the answer comes from the diagnosis engine. */
  | 'engine_only';

export type AgentFailureCode =
  | 'cancelled'
  /** The provider failed (HTTP error, bad key, unreachable, malformed stream). */
  | 'model_error'
  /** No model and no diagnosis engine, or no cluster to diagnose. */
  | 'not_available'
  | 'internal';

export interface AgentFinalEvent {
  readonly type: 'final';
  /** Markdown: Root cause / Evidence / Impact / Fix / Verification. */
  readonly answer: string;
  readonly usage: TokenUsage;
  /** Estimated US dollars from the configured price table; null without one. */
  readonly costUsd: number | null;
  /** Model calls made. */
  readonly steps: number;
  readonly stopReason: StopReason;
  readonly mode: 'model' | 'engine';
  /**
   * Set when the model failed mid-run and the answer is the diagnosis engine's instead (mode
   * `engine`): the provider's message, keys scrubbed. The answer starts by saying so.
   */
  readonly modelError?: string;
}

export interface AgentErrorEvent {
  readonly type: 'error';
  readonly code: AgentFailureCode;
  /** Safe to show to the user (no API keys). */
  readonly message: string;
}

/**
 * What a run reports, in order: any number of `text-delta`, `tool-call-started`/`-finished` pairs
 * and `usage` (one per model step), then exactly one `final` or `error`.
 */
export type AgentEvent =
  | { readonly type: 'text-delta'; readonly text: string }
  | { readonly type: 'tool-call-started'; readonly id: string; readonly tool: string; readonly args: unknown }
  | {
      readonly type: 'tool-call-finished';
      readonly id: string;
      readonly tool: string;
      readonly outcome: ToolOutcome;
      readonly durationMs: number;
      /** One line: "exit 0, 12 lines", "policy_denied: ...". */
      readonly summary: string;
    }
  | {
      readonly type: 'usage';
      readonly step: number;
      /** This step's tokens. */
      readonly usage: TokenUsage;
      /** Tokens so far in this run. */
      readonly total: TokenUsage;
      readonly costUsd: number | null;
    }
  | AgentFinalEvent
  | AgentErrorEvent;
