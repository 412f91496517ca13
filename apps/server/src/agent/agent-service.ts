import type {
  AgentConfig,
  AgentErrorEvent,
  AgentEvent,
  AgentFinalEvent,
  AgentServices,
  ClusterGateway,
  ConversationStore,
} from '@kubently/agent';
import { createAgent, estimateCost } from '@kubently/agent';

import type { Caller } from '../auth/api-key-verifier.js';
import type { ClusterService } from '../clusters/cluster-service.js';
import type { CommandService } from '../commands/command-service.js';
import type { CommandSource } from '../state/command-store.js';
import type { Clock } from '../support/clock.js';
import type { ServerMetrics, ServerTracing } from '../telemetry/index.js';
import { createServerClusterGateway } from './server-cluster-gateway.js';
import type { DiagnoseFunction } from './server-cluster-gateway.js';

/** The language model type the agent accepts (an AI SDK `LanguageModel`). */
export type AgentLanguageModel = NonNullable<AgentServices['model']>;

/** One question asked by an authenticated caller (A2A, MCP `ask_kubently`). */
export interface AgentRunInput {
  readonly caller: Caller;
  /** Propagated to every command the run sends, to the audit records and to the executor. */
  readonly correlationId: string;
  readonly question: string;
  /**
   * The client's conversation key (A2A contextId, MCP conversation id). Memory is scoped per caller
   * identity here, so two callers using the same key never see each other's history.
   */
  readonly conversationId: string;
  readonly clusterId?: string | undefined;
  readonly namespace?: string | undefined;
  /** Aborting cancels the model call and stops waiting for any running command. */
  readonly signal?: AbortSignal | undefined;
  /** Called synchronously for each event, in order (see docs/agent.md "Events"). */
  readonly onEvent?: ((event: AgentEvent) => void) | undefined;
  /** Audit source of the commands; default `agent`. */
  readonly source?: CommandSource | undefined;
}

/** The troubleshooting agent inside the server, acting with the identity of whoever asks. */
export interface AgentService {
  /** `model` with a language model configured, `engine` for answers from the diagnosis engine. */
  readonly mode: 'model' | 'engine';
  /** True when the diagnosis engine is wired in (the `diagnose` tool and engine-only answers). */
  readonly hasDiagnose: boolean;
  readonly config: AgentConfig;
  /** Runs one question; resolves with the `final` or `error` event, never rejects. */
  run(input: AgentRunInput): Promise<AgentFinalEvent | AgentErrorEvent>;
  /** The gateway the agent uses for `caller`: commands policy-checked and audited as theirs. */
  gatewayFor(caller: Caller, correlationId: string, source?: CommandSource): ClusterGateway;
  /** Forgets one conversation of one caller. */
  clearConversation(caller: Caller, conversationId: string, signal?: AbortSignal): Promise<void>;
}

export interface AgentServiceOptions {
  readonly config: AgentConfig;
  /** Null: engine-only mode. */
  readonly model: AgentLanguageModel | null;
  readonly clusters: ClusterService;
  readonly commands: CommandService;
  readonly conversations: ConversationStore;
  readonly clock: Clock;
  /** Absent until the diagnosis engine is wired into the server. */
  readonly diagnose?: DiagnoseFunction | undefined;
  /** Token and cost counters (one `usage` event per model step). */
  readonly metrics?: ServerMetrics | undefined;
  /** Agent steps and tool calls as child spans of the request (absent: none). */
  readonly tracing?: ServerTracing | undefined;
}

/** Conversation keys are `<identity>\u0000<client key>`: identities cannot contain NUL. */
export const scopedConversationId = (caller: Caller, conversationId: string): string =>
  `${caller.identity}\u0000${conversationId}`;

export const createAgentService = (options: AgentServiceOptions): AgentService => {
  const { config, model, clusters, commands, conversations, diagnose } = options;
  const clock = { now: () => new Date(options.clock.now()) };
  // One configured model per server, so these labels are bounded by configuration.
  const modelLabels =
    config.model !== null
      ? { provider: config.model.provider, model: config.model.model }
      : model !== null && typeof model !== 'string'
        ? { provider: model.provider, model: model.modelId }
        : null;
  const countUsage = (event: AgentEvent): void => {
    if (event.type !== 'usage' || modelLabels === null) return;
    options.metrics?.llmUsage({
      ...modelLabels,
      usage: event.usage,
      costUsd: estimateCost(event.usage, config.price),
    });
  };
  const gatewayFor = (caller: Caller, correlationId: string, source: CommandSource = 'agent') =>
    createServerClusterGateway({ clusters, commands, diagnose, caller, correlationId, source });
  return {
    mode: model === null ? 'engine' : 'model',
    hasDiagnose: diagnose !== undefined,
    config,
    run: (input) => {
      const spans = options.tracing?.agentRun(modelLabels) ?? null;
      // A fresh agent per run: its gateway carries this caller, nothing is shared between runs.
      const agent = createAgent({
        config,
        model,
        gateway: gatewayFor(input.caller, input.correlationId, input.source),
        conversations,
        clock,
        ...(spans === null ? {} : { aroundToolCall: spans.aroundToolCall }),
      });
      const run = agent.run({
        question: input.question,
        conversationId: scopedConversationId(input.caller, input.conversationId),
        ...(input.clusterId === undefined ? {} : { clusterId: input.clusterId }),
        ...(input.namespace === undefined ? {} : { namespace: input.namespace }),
        ...(input.signal === undefined ? {} : { signal: input.signal }),
        onEvent: (event) => {
          countUsage(event);
          spans?.onEvent(event);
          input.onEvent?.(event);
        },
      });
      return spans === null
        ? run
        : run.finally(() => {
            spans.end();
          });
    },
    gatewayFor,
    clearConversation: (caller, conversationId, signal) =>
      conversations.clear(scopedConversationId(caller, conversationId), signal),
  };
};
