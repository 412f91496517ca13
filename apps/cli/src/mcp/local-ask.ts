import { createAgent, createMemoryConversationStore, createModelFromConfig } from '@kubently/agent';
import type { AgentConfig, AgentEvent, ClusterGateway, KubectlRun } from '@kubently/agent';
import type { McpAskAnswer } from '@kubently/protocol';

import type { LocalCluster } from './local-cluster.js';
import type { AskInput } from './mcp-backend.js';
import { McpToolError } from './tool-error.js';

/** The agent's view of the one local context: kubectl and the engine, both run on this machine. */
export const localGateway = (cluster: LocalCluster): ClusterGateway => ({
  listClusters: () => Promise.resolve([cluster.info()]),
  runKubectl: async (request): Promise<KubectlRun> => {
    if (request.clusterId !== cluster.id) {
      return {
        type: 'failure',
        code: 'cluster_not_found',
        message: `local mode serves only "${cluster.id}"`,
      };
    }
    const run = await cluster.run(
      request.args,
      request.namespace,
      request.timeoutSeconds ?? 30,
      request.signal,
    );
    const { outcome } = run;
    if (outcome.type === 'failure') {
      const code =
        outcome.code === 'policy_denied' || outcome.code === 'command_timeout'
          ? outcome.code
          : 'spawn_failed';
      return { type: 'failure', code, message: outcome.message };
    }
    return {
      type: 'result',
      exitCode: outcome.exitCode,
      stdout: outcome.stdout,
      stderr: outcome.stderr,
      truncated: outcome.truncated,
      redactions: run.redactions,
      durationMs: run.durationMs,
    };
  },
  diagnose: (request) =>
    cluster.diagnose(request.namespace === undefined ? undefined : [request.namespace], request.signal),
});

const progressOf = (event: AgentEvent): string | null => {
  switch (event.type) {
    case 'tool-call-started':
      return `running ${event.tool} ${JSON.stringify(event.args)}`;
    case 'tool-call-finished':
      return `${event.tool}: ${event.summary} (${Math.round(event.durationMs)} ms)`;
    case 'text-delta':
    case 'usage':
    case 'final':
    case 'error':
      return null;
  }
};

/**
 * `ask_kubently` in local mode: the agent runs in this process against the local context, with the
 * model from KUBENTLY_LLM_* (docs/agent.md) or, without one, answers from the diagnosis engine.
 * Conversations live in memory for as long as `kubently mcp` runs.
 */
export const createLocalAsk = (cluster: LocalCluster, config: AgentConfig) => {
  const agent = createAgent({
    config,
    model: config.model === null ? null : createModelFromConfig(config.model),
    gateway: localGateway(cluster),
    conversations: createMemoryConversationStore(),
  });
  let conversations = 0;
  return async (
    input: AskInput,
    signal: AbortSignal,
    onProgress: (message: string) => void,
  ): Promise<McpAskAnswer> => {
    conversations += 1;
    const conversationId = input.conversationId ?? `local-${String(conversations)}`;
    const outcome = await agent.run({
      question: input.question,
      conversationId,
      clusterId: input.clusterId ?? cluster.id,
      ...(input.namespace === undefined ? {} : { namespace: input.namespace }),
      signal,
      onEvent: (event) => {
        const message = progressOf(event);
        if (message !== null) onProgress(message);
      },
    });
    if (outcome.type === 'error') throw new McpToolError(outcome.code, outcome.message);
    return {
      answer: outcome.answer,
      mode: outcome.mode,
      stopReason: outcome.stopReason,
      steps: outcome.steps,
      usage: outcome.usage,
      costUsd: outcome.costUsd,
      conversationId,
    };
  };
};
