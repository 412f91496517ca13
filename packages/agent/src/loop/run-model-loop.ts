import { defaultPolicyConfig } from '@kubently/policy';
import type { ClusterInfo } from '@kubently/protocol';
import { stepCountIs, streamText } from 'ai';
import type { LanguageModel, ModelMessage, StopCondition, ToolSet } from 'ai';

import { systemClock } from '../ports/clock.js';
import { trimHistory } from '../ports/conversation-store.js';
import { buildSystemPrompt } from '../prompt/system-prompt.js';
import { createAgentTools } from '../tools/create-agent-tools.js';
import { scrubSecrets } from '../tools/scrub-secrets.js';
import type { ToolContext } from '../tools/tool-context.js';
import { firstLine, outcomeOf, summaryOf } from '../tools/tool-result.js';
import { wrapToolCalls } from '../tools/wrap-tool-calls.js';
import type { AgentErrorEvent, AgentEvent, AgentFinalEvent, StopReason, TokenUsage } from './agent-event.js';
import type { AgentRequest, AgentServices } from './agent-services.js';
import { runEngineOnly } from './run-engine-only.js';
import { clusterFromText } from './text-hints.js';
import { addUsage, estimateCost, toTokenUsage, zeroUsage } from './token-usage.js';

const budgetNotice = (reason: string): string =>
  `\n\n## Budget reached\nThe ${reason} budget for this investigation is used up. Do not call tools. Answer now in the answer format with the evidence you have, and say which points are still unproven and which command would prove them.`;

/** Read through a call: the signal can abort while a promise is awaited. */
const isAbortedNow = (signal: AbortSignal): boolean => signal.aborted;

function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return scrubSecrets(message).text;
}

/** Runs the bounded tool loop on the AI SDK's streamText and reports typed events. */
export async function runModelLoop(
  services: AgentServices,
  model: LanguageModel,
  request: AgentRequest,
  signal: AbortSignal,
  emit: (event: AgentEvent) => void,
): Promise<AgentFinalEvent | AgentErrorEvent> {
  const { config, gateway } = services;
  const clock = services.clock ?? systemClock;
  const cancelled = (): AgentErrorEvent => ({
    type: 'error',
    code: 'cancelled',
    message: 'The request was cancelled.',
  });

  let clusters: readonly ClusterInfo[] = [];
  try {
    clusters = await gateway.listClusters(signal);
  } catch {
    if (signal.aborted) return cancelled();
  }
  const clusterId = request.clusterId ?? clusterFromText(request.question, clusters);
  const history = trimHistory(
    await services.conversations.load(request.conversationId, signal),
    config.historyMessages,
  );
  const context: ToolContext = {
    gateway,
    policyFor: services.policyFor ?? (() => defaultPolicyConfig()),
    toolOutputChars: config.toolOutputChars,
    defaultClusterId: clusterId,
    todos: [],
  };
  const tools: ToolSet = wrapToolCalls(createAgentTools(context), services.aroundToolCall);
  const system = buildSystemPrompt({
    clusterId,
    clusters,
    maxSteps: config.maxSteps,
    hasDiagnose: gateway.diagnose !== undefined,
  });
  const question: ModelMessage = { role: 'user', content: request.question };

  let total: TokenUsage = zeroUsage;
  const budget: { forced: { step: number; reason: 'step_budget' | 'token_budget' } | null } = {
    forced: null,
  };
  // A forced answer step ends the loop even when a model ignores toolChoice "none".
  const afterForcedStep: StopCondition<ToolSet> = ({ steps }) =>
    budget.forced !== null && steps.length > budget.forced.step;

  const result = streamText({
    model,
    system,
    messages: [...history, question],
    tools,
    abortSignal: signal,
    maxOutputTokens: config.maxOutputTokens,
    ...(config.temperature === undefined ? {} : { temperature: config.temperature }),
    stopWhen: [stepCountIs(config.maxSteps), afterForcedStep],
    // Usage comes from the SDK's own step results: the event consumer may lag behind the loop.
    prepareStep: ({ stepNumber, steps }) => {
      const used = steps.reduce((sum, step) => sum + toTokenUsage(step.usage).totalTokens, 0);
      if (budget.forced === null && used >= config.maxTokens) {
        budget.forced = { step: stepNumber, reason: 'token_budget' };
      }
      if (budget.forced === null && stepNumber >= config.maxSteps - 1) {
        budget.forced = { step: stepNumber, reason: 'step_budget' };
      }
      if (budget.forced === null) return undefined;
      const reason = budget.forced.reason === 'token_budget' ? 'token' : 'step';
      return { toolChoice: 'none', system: system + budgetNotice(reason) };
    },
    onError: () => undefined,
  });

  const started = new Map<string, { tool: string; at: number }>();
  let stepText = '';
  let steps = 0;
  let failure: unknown;
  let isAborted = false;
  const finishTool = (
    id: string,
    tool: string,
    outcome: 'ok' | 'error' | 'denied',
    summary: string,
  ): void => {
    const start = started.get(id);
    started.delete(id);
    emit({
      type: 'tool-call-finished',
      id,
      tool,
      outcome,
      durationMs: Math.max(0, clock.now().getTime() - (start?.at ?? clock.now().getTime())),
      summary,
    });
  };

  for await (const part of result.fullStream) {
    switch (part.type) {
      case 'start-step':
        stepText = '';
        break;
      case 'text-delta':
        stepText += part.text;
        emit({ type: 'text-delta', text: part.text });
        break;
      case 'tool-call':
        started.set(part.toolCallId, { tool: part.toolName, at: clock.now().getTime() });
        emit({ type: 'tool-call-started', id: part.toolCallId, tool: part.toolName, args: part.input });
        break;
      case 'tool-result':
        finishTool(part.toolCallId, part.toolName, outcomeOf(part.output), summaryOf(part.output));
        break;
      case 'tool-error':
        if (!started.has(part.toolCallId)) {
          emit({ type: 'tool-call-started', id: part.toolCallId, tool: part.toolName, args: part.input });
        }
        finishTool(part.toolCallId, part.toolName, 'error', `error: ${firstLine(errorText(part.error))}`);
        break;
      case 'finish-step': {
        steps += 1;
        const usage = toTokenUsage(part.usage);
        total = addUsage(total, usage);
        emit({ type: 'usage', step: steps, usage, total, costUsd: estimateCost(total, config.price) });
        break;
      }
      case 'error':
        failure = part.error;
        break;
      case 'abort':
        isAborted = true;
        break;
      case 'start':
      case 'finish':
      case 'text-start':
      case 'text-end':
      case 'reasoning-start':
      case 'reasoning-delta':
      case 'reasoning-end':
      case 'tool-input-start':
      case 'tool-input-delta':
      case 'tool-input-end':
      case 'tool-approval-request':
      case 'tool-output-denied':
      case 'source':
      case 'file':
      case 'raw':
        break;
    }
  }

  if (isAborted || signal.aborted) return cancelled();
  // A failure in the forced answer step (e.g. a model that calls a tool despite toolChoice "none")
  // still ends as a budget stop: the investigation ran, only the summary is missing.
  if (failure !== undefined && budget.forced === null) {
    const modelError = errorText(failure);
    if (gateway.diagnose === undefined)
      return { type: 'error', code: 'model_error', message: `The model call failed: ${modelError}` };
    return engineInstead(services, request, signal, emit, modelError);
  }

  const stopReason: StopReason = budget.forced?.reason ?? 'answered';
  let answer = failure === undefined ? stepText.trim() : '';
  if (answer === '') {
    answer =
      stopReason === 'answered'
        ? 'The model ended without an answer. Ask again, or narrow the question to one namespace or workload.'
        : `The investigation stopped at the ${stopReason === 'step_budget' ? 'step' : 'token'} budget before the model wrote an answer. Ask a narrower question or raise KUBENTLY_LLM_MAX_${stopReason === 'step_budget' ? 'STEPS' : 'TOKENS'}.`;
  }
  try {
    const messages: ModelMessage[] =
      failure === undefined ? (await result.response).messages : [{ role: 'assistant', content: answer }];
    await services.conversations.append(request.conversationId, [question, ...messages], signal);
  } catch (error) {
    if (isAbortedNow(signal)) return cancelled();
    return {
      type: 'error',
      code: 'internal',
      message: `The conversation could not be saved: ${errorText(error)}`,
    };
  }
  return {
    type: 'final',
    answer,
    usage: total,
    costUsd: estimateCost(total, config.price),
    steps,
    stopReason,
    mode: 'model',
  };
}

/**
 * The model failed before it could answer: the engine's answer comes back instead, marked as such
 * at its top and in `modelError`, so the question still gets its findings. When the engine fails
 * too, both failures are reported.
 */
async function engineInstead(
  services: AgentServices,
  request: AgentRequest,
  signal: AbortSignal,
  emit: (event: AgentEvent) => void,
  modelError: string,
): Promise<AgentFinalEvent | AgentErrorEvent> {
  const notice = `**Model failed:** ${modelError}\n\nThe answer below comes from the diagnosis engine alone.\n\n`;
  emit({ type: 'text-delta', text: `\n\n${notice}` });
  const engine = await runEngineOnly(services, request, signal, emit);
  if (engine.type === 'error') {
    if (engine.code === 'cancelled') return engine;
    return {
      type: 'error',
      code: 'model_error',
      message: `The model call failed: ${modelError}\nThe diagnosis engine could not answer either: ${engine.message}`,
    };
  }
  return { ...engine, answer: `${notice}${engine.answer}`, modelError };
}
