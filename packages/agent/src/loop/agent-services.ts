import type { AroundToolCall } from '../tools/wrap-tool-calls.js';
import type { PolicyConfig } from '@kubently/policy';
import type { LanguageModel } from 'ai';

import type { AgentConfig } from '../config/agent-config.js';
import type { Clock } from '../ports/clock.js';
import type { ClusterGateway } from '../ports/cluster-gateway.js';
import type { ConversationStore } from '../ports/conversation-store.js';
import type { AgentEvent } from './agent-event.js';

/** What the agent is built from; the apps create these once at startup. */
export interface AgentServices {
  readonly config: AgentConfig;
  /** `null` (or omitted): engine-only mode. Build it with `createModelFromConfig`. */
  readonly model?: LanguageModel | null;
  readonly gateway: ClusterGateway;
  readonly conversations: ConversationStore;
  readonly clock?: Clock;
  /**
   * The policy the agent checks before calling the gateway, per cluster. Defaults to readOnly for
   * every cluster: the agent only investigates, even where the cluster allows more.
   */
  readonly policyFor?: (clusterId: string) => PolicyConfig;
  /**
   * Wraps each tool execution (the server makes it the parent span of the tool's commands);
   * absent: tools run as they are.
   */
  readonly aroundToolCall?: AroundToolCall;
}

/** One question in one conversation. */
export interface AgentRequest {
  readonly question: string;
  /** Key of the per-conversation memory (A2A contextId, CLI session). Scope it per caller. */
  readonly conversationId: string;
  /** Target cluster; otherwise the cluster named in the question, or the only connected one. */
  readonly clusterId?: string;
  /** Namespace hint for the engine-only mode; otherwise taken from the question when it names one. */
  readonly namespace?: string;
  /** Cancels the model call and any running tool (the signal reaches the gateway). */
  readonly signal?: AbortSignal;
  /** Called synchronously for each event, in order. Exceptions thrown here are ignored. */
  readonly onEvent?: (event: AgentEvent) => void;
}
