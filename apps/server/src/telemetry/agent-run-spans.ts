import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Span, Tracer } from '@opentelemetry/api';

import type { AgentEvent, AroundToolCall } from '@kubently/agent';

/** The spans of one agent run: one per model step, one per tool call, commands under their tool call. */
export interface AgentRunSpans {
  /** Runs a tool call inside its span, so the commands it sends are the span's children. */
  readonly aroundToolCall: AroundToolCall;
  /** Feeds the run's events: `usage` ends a step, `tool-call-finished` ends a tool call. */
  onEvent(event: AgentEvent): void;
  /** Ends whatever is still open (a cancelled or failed run). */
  end(): void;
}

export interface ModelLabels {
  readonly provider: string;
  readonly model: string;
}

export const noAgentRunSpans: AgentRunSpans = {
  aroundToolCall: (_call, run) => run(),
  onEvent: () => undefined,
  end: () => undefined,
};

/**
 * Step spans are children of the span active when the run starts (the request); a step's span opens
 * at its first event or tool call (the model's time to first output is not inside it) and ends with
 * its `usage` event. Tool calls started in a step are its children; their span is the active
 * context while the tool runs, so `commandQueued` parents the command to it.
 */
export const startAgentRunSpans = (tracer: Tracer, labels: ModelLabels | null): AgentRunSpans => {
  const parent = context.active();
  const tools = new Map<string, Span>();
  let step: Span | undefined;
  let steps = 0;
  const currentStep = (): Span => {
    if (step === undefined) {
      steps += 1;
      step = tracer.startSpan(
        'agent step',
        {
          attributes: {
            'kubently.agent.step': steps,
            ...(labels === null
              ? {}
              : { 'gen_ai.provider.name': labels.provider, 'gen_ai.request.model': labels.model }),
          },
        },
        parent,
      );
    }
    return step;
  };
  return {
    aroundToolCall: (call, run) => {
      const span = tracer.startSpan(
        `tool ${call.tool}`,
        { attributes: { 'gen_ai.tool.name': call.tool, 'gen_ai.tool.call.id': call.id } },
        trace.setSpan(parent, currentStep()),
      );
      tools.set(call.id, span);
      return context.with(trace.setSpan(parent, span), run);
    },
    onEvent: (event) => {
      if (event.type === 'text-delta' || event.type === 'tool-call-started') currentStep();
      if (event.type === 'tool-call-finished') {
        const span = tools.get(event.id);
        if (span === undefined) return;
        tools.delete(event.id);
        span.setAttributes({
          'kubently.tool.outcome': event.outcome,
          'kubently.tool.duration_ms': event.durationMs,
        });
        if (event.outcome === 'error') span.setStatus({ code: SpanStatusCode.ERROR, message: event.summary });
        span.end();
      }
      if (event.type === 'usage') {
        const span = currentStep();
        span.setAttributes({
          'gen_ai.usage.input_tokens': event.usage.inputTokens,
          'gen_ai.usage.output_tokens': event.usage.outputTokens,
        });
        span.end();
        step = undefined;
      }
    },
    end: () => {
      for (const span of tools.values()) span.end();
      tools.clear();
      step?.end();
      step = undefined;
    },
  };
};
