import { wrapUntrusted } from '@kubently/protocol';
import type { ModelMessage } from 'ai';

import { fencedQuote } from '../answer/fenced-quote.js';
import { focusReport, nameWords } from '../answer/focus-report.js';
import { noModelNotice, renderReportAnswer } from '../answer/report-answer.js';
import { scrubSecrets } from '../tools/scrub-secrets.js';
import type { AgentErrorEvent, AgentEvent, AgentFinalEvent } from './agent-event.js';
import type { AgentRequest, AgentServices } from './agent-services.js';
import { clusterFromText, namespaceFromText } from './text-hints.js';
import { zeroUsage } from './token-usage.js';

/** How a stored engine answer is introduced to a model that continues the conversation. */
export const engineAnswerPreamble =
  '(This answer came from the diagnosis engine, without a model; it quotes the cluster, so it is shown as tool output.)';

/** Answers from the diagnosis engine when no model is configured, in the agent's answer format. */
export async function runEngineOnly(
  services: AgentServices,
  request: AgentRequest,
  signal: AbortSignal,
  emit: (event: AgentEvent) => void,
): Promise<AgentFinalEvent | AgentErrorEvent> {
  const { gateway } = services;
  if (gateway.diagnose === undefined) {
    return {
      type: 'error',
      code: 'not_available',
      message: `The diagnosis engine is not available here either.\n\n${noModelNotice}`,
    };
  }
  try {
    const clusters = await gateway.listClusters(signal);
    const connected = clusters.filter((cluster) => cluster.connected);
    const clusterId =
      request.clusterId ??
      clusterFromText(request.question, clusters) ??
      (connected.length === 1 ? connected[0]?.id : undefined);
    if (clusterId === undefined) {
      return {
        type: 'error',
        code: 'not_available',
        message:
          clusters.length === 0
            ? 'No cluster is registered yet: connect an executor, then ask again.'
            : `Name the cluster to diagnose (one of: ${clusters.map((cluster) => cluster.id).join(', ')}).`,
      };
    }
    const namespace = request.namespace ?? namespaceFromText(request.question);
    const report = await gateway.diagnose({
      clusterId,
      ...(namespace === undefined ? {} : { namespace }),
      signal,
    });
    // "why is shop not ready?": the root causes that touch what the question names, not the whole cluster.
    const focus = namespace === undefined ? focusReport(report, request.question) : { report, matched: [] };
    const asked = nameWords(request.question);
    const lead =
      focus.matched.length > 0
        ? `Focused on ${focus.matched.map((word) => `\`${word}\``).join(', ')}, named in the question.\n\n`
        : namespace === undefined && asked.length > 0 && report.findings.length > 0
          ? `Nothing the engine found matches a name in the question (${asked
              .slice(0, 5)
              .map((word) => `\`${word}\``)
              .join(', ')}); every root cause in the cluster follows.\n\n`
          : '';
    const answer = `${lead}${renderReportAnswer(focus.report, clusterId)}`;
    emit({ type: 'text-delta', text: answer });
    // A model may continue this conversation later: there the engine's answer is history, and its
    // quotes from the cluster must stay inside the untrusted block rather than pass as the assistant's words.
    const messages: ModelMessage[] = [
      { role: 'user', content: request.question },
      { role: 'assistant', content: `${engineAnswerPreamble}\n${wrapUntrusted(answer)}` },
    ];
    await services.conversations.append(request.conversationId, messages, signal);
    return {
      type: 'final',
      answer,
      usage: zeroUsage,
      costUsd: null,
      steps: 0,
      stopReason: 'engine_only',
      mode: 'engine',
    };
  } catch (error) {
    if (signal.aborted) return { type: 'error', code: 'cancelled', message: 'The request was cancelled.' };
    // The collector's message can quote kubectl's stderr: it is set apart as a quote.
    const message = error instanceof Error ? error.message : String(error);
    return {
      type: 'error',
      code: 'not_available',
      message: `The diagnosis failed:\n${fencedQuote([scrubSecrets(message).text])}`,
    };
  }
}
