import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

import type { Command, CommandResult, OtlpTracing } from '@kubently/protocol';

/**
 * The executor's spans: one per command, a child of the server's command span (the command frame's
 * `traceparent`), from receipt to result. The result post carries this span's `traceparent`, so the
 * server's request span for it joins the same trace.
 */
export interface ExecutorTracing {
  commandReceived(command: Command): void;
  commandFinished(result: CommandResult): void;
  /** The `traceparent` header for posting this command's result (undefined: none). */
  traceparentOf(commandId: string): string | undefined;
  /** The result was delivered or given up: forget the command. */
  forget(commandId: string): void;
  shutdown(): Promise<void>;
}

export const disabledExecutorTracing: ExecutorTracing = Object.freeze({
  commandReceived: () => undefined,
  commandFinished: () => undefined,
  traceparentOf: () => undefined,
  forget: () => undefined,
  shutdown: () => Promise.resolve(),
});

const propagator = new W3CTraceContextPropagator();
type Carrier = Record<string, string>;
const getter = {
  keys: (carrier: Carrier): string[] => Object.keys(carrier),
  get: (carrier: Carrier, key: string): string | undefined => carrier[key],
};
const setter = {
  set: (carrier: Carrier, key: string, value: string): void => {
    carrier[key] = value;
  },
};
/** Commands whose result delivery never ends are dropped past this many (a memory bound). */
const maxTracked = 10_000;

export const createExecutorTracing = (
  options: OtlpTracing,
  attributes: { clusterId: string; executorId: string; version: string },
): ExecutorTracing => {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': options.serviceName,
      'service.version': attributes.version,
      'service.instance.id': attributes.executorId,
      'kubently.cluster_id': attributes.clusterId,
    }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: options.url, headers: { ...options.headers } })),
    ],
  });
  const tracer = provider.getTracer('kubently-executor', attributes.version);
  const spans = new Map<string, { span: Span; traceparent: string | undefined; ended: boolean }>();
  return {
    commandReceived: (command) => {
      if (spans.has(command.id)) return;
      const parent =
        command.traceparent === undefined
          ? ROOT_CONTEXT
          : propagator.extract(ROOT_CONTEXT, { traceparent: command.traceparent }, getter);
      const span = tracer.startSpan(
        `kubectl ${command.args[0] ?? ''}`.trim(),
        {
          kind: SpanKind.CONSUMER,
          attributes: { 'kubently.command_id': command.id, 'kubently.correlation_id': command.correlationId },
        },
        parent,
      );
      const carrier: Record<string, string> = {};
      propagator.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, setter);
      spans.set(command.id, { span, traceparent: carrier['traceparent'], ended: false });
      if (spans.size > maxTracked) {
        const oldest = spans.keys().next().value;
        if (oldest !== undefined) spans.delete(oldest);
      }
    },
    commandFinished: (result) => {
      const tracked = spans.get(result.commandId);
      if (tracked === undefined || tracked.ended) return;
      tracked.ended = true;
      tracked.span.setAttribute('process.exit.code', result.exitCode);
      if (result.failure !== undefined)
        tracked.span.setStatus({ code: SpanStatusCode.ERROR, message: result.failure.code });
      tracked.span.end();
    },
    traceparentOf: (commandId) => spans.get(commandId)?.traceparent,
    forget: (commandId) => {
      spans.delete(commandId);
    },
    shutdown: async () => {
      for (const tracked of spans.values()) if (!tracked.ended) tracked.span.end();
      spans.clear();
      await provider.shutdown();
    },
  };
};
