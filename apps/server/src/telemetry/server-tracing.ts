import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Context, Span, Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

import type { Command, OtlpTracing } from '@kubently/protocol';

import { noAgentRunSpans, startAgentRunSpans } from './agent-run-spans.js';
import type { AgentRunSpans, ModelLabels } from './agent-run-spans.js';
import { verbLabelOf } from './kubectl-verb.js';

/**
 * Spans of the server (DESIGN §8: a span per request and per command): each HTTP request continues
 * the caller's `traceparent`; a command's span is a child of the request that queued it and its
 * context travels to the executor on the command frame (`Command.traceparent`); the executor's
 * result post carries the executor's span back, so the trace runs caller → server → kubectl → back.
 */
export interface ServerTracing {
  readonly isEnabled: boolean;
  /** Runs `handle` inside a server span continuing `traceparent` (the request's header). */
  request<T>(
    method: string,
    traceparent: string | undefined,
    handle: () => Promise<T>,
    finish: () => { route: string; status: number },
  ): Promise<T>;
  /** Starts the command's span under the active request; returns the command carrying its context. */
  commandQueued(command: Command): Command;
  commandFinished(commandId: string, outcome: string): void;
  /** Spans of one agent run under the active request: its model steps and tool calls. */
  agentRun(labels: ModelLabels | null): AgentRunSpans;
  /** Flushes pending spans (close). */
  shutdown(): Promise<void>;
}

export const disabledTracing: ServerTracing = {
  isEnabled: false,
  request: <T>(_method: string, _traceparent: string | undefined, handle: () => Promise<T>) => handle(),
  commandQueued: (command: Command) => command,
  commandFinished: () => undefined,
  agentRun: () => noAgentRunSpans,
  shutdown: () => Promise.resolve(),
};

const propagator = new W3CTraceContextPropagator();
const getter = {
  keys: (carrier: Record<string, string>) => Object.keys(carrier),
  get: (carrier: Record<string, string>, key: string) => carrier[key],
};
const setter = {
  set: (carrier: Record<string, string>, key: string, value: string) => {
    carrier[key] = value;
  },
};

/** The W3C header of a span, for the wire. */
export const traceparentOf = (span: Span): string | undefined => {
  const carrier: Record<string, string> = {};
  propagator.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, setter);
  return carrier['traceparent'];
};

/** The context a `traceparent` header value continues (the root context when absent or invalid). */
export const contextOf = (traceparent: string | undefined): Context =>
  traceparent === undefined ? ROOT_CONTEXT : propagator.extract(ROOT_CONTEXT, { traceparent }, getter);

const maxOpenCommandSpans = 10_000;

/** OTLP/HTTP export through a provider of this server only (nothing global but the async context). */
export const createServerTracing = (options: OtlpTracing, version: string): ServerTracing => {
  // Active contexts must follow awaits for command spans to find their request.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName, 'service.version': version }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: options.url, headers: { ...options.headers } })),
    ],
  });
  const tracer: Tracer = provider.getTracer('kubently-server', version);
  const commands = new Map<string, Span>();
  return {
    isEnabled: true,
    request: async (method, traceparent, handle, finish) => {
      const span = tracer.startSpan(method, { kind: SpanKind.SERVER }, contextOf(traceparent));
      try {
        return await context.with(trace.setSpan(context.active(), span), handle);
      } finally {
        const { route, status } = finish();
        span.updateName(`${method} ${route}`);
        span.setAttributes({
          'http.request.method': method,
          'http.route': route,
          'http.response.status_code': status,
        });
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
    },
    commandQueued: (command) => {
      const span = tracer.startSpan(`command ${verbLabelOf(command.args)}`, {
        kind: SpanKind.PRODUCER,
        attributes: {
          'kubently.cluster_id': command.clusterId,
          'kubently.command_id': command.id,
          'kubently.correlation_id': command.correlationId,
        },
      });
      commands.set(command.id, span);
      // A command finished on another replica never ends here: the oldest open span is ended first.
      if (commands.size > maxOpenCommandSpans) {
        const [oldestId, oldest] = commands.entries().next().value ?? [];
        if (oldestId !== undefined) commands.delete(oldestId);
        oldest?.end();
      }
      const traceparent = traceparentOf(span);
      return traceparent === undefined ? command : { ...command, traceparent };
    },
    commandFinished: (commandId, outcome) => {
      const span = commands.get(commandId);
      if (span === undefined) return;
      commands.delete(commandId);
      span.setAttribute('kubently.outcome', outcome);
      if (outcome !== 'succeeded') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
      span.end();
    },
    agentRun: (labels) => startAgentRunSpans(tracer, labels),
    shutdown: async () => {
      for (const span of commands.values()) span.end();
      commands.clear();
      await provider.shutdown();
    },
  };
};
