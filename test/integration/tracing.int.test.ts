import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildExecutorConfig, start as startExecutor } from '@kubently/executor';
import type { RunningExecutor } from '@kubently/executor';
import { clusterTokenResponseSchema, commandResponseSchema } from '@kubently/protocol';
import { createConfig, start as startServer } from '@kubently/server';
import type { RunningServer } from '@kubently/server';

import { createFakeKubectl } from '../fixtures/fake-kubectl.js';
import { a2aClient, userMessage } from './support/a2a-client.js';
import { programmableModel } from './support/agent-kubently.js';
import { eventually } from './support/processes.js';

interface ReceivedSpan {
  readonly service: string;
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly attributes: Readonly<Record<string, string | number>>;
}

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number };
}

interface OtlpJson {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
    scopeSpans?: {
      spans?: {
        name: string;
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        attributes?: OtlpAttribute[];
      }[];
    }[];
  }[];
}

/** A collector's OTLP/HTTP endpoint: keeps every span it is sent (JSON encoding). */
const startReceiver = async (): Promise<{ url: string; spans: ReceivedSpan[]; server: Server }> => {
  const spans: ReceivedSpan[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const parsed = JSON.parse(body) as OtlpJson;
      for (const resource of parsed.resourceSpans ?? []) {
        const service =
          resource.resource?.attributes?.find((attribute) => attribute.key === 'service.name')?.value
            .stringValue ?? '';
        for (const scope of resource.scopeSpans ?? [])
          for (const span of scope.spans ?? [])
            spans.push({
              service,
              name: span.name,
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId === '' ? undefined : span.parentSpanId,
              attributes: Object.fromEntries(
                (span.attributes ?? []).map((attribute) => [
                  attribute.key,
                  attribute.value.stringValue ?? Number(attribute.value.intValue),
                ]),
              ),
            });
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1/traces`, spans, server };
};

const adminKey = `admin-${randomBytes(16).toString('hex')}`;

/** A traced server (model optional) with cluster `traced` served by a traced executor. */
const startTraced = async (
  receiverUrl: string,
  model?: ReturnType<typeof programmableModel>['model'],
): Promise<{ server: RunningServer; executor: RunningExecutor }> => {
  const server = await startServer(
    createConfig({
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
      apiKeys: [{ identity: 'alice', key: adminKey, role: 'admin' }],
      tracing: { url: receiverUrl, headers: {}, serviceName: 'kubently-server' },
    }),
    model === undefined ? {} : { model },
  );
  const created = await fetch(`${server.url}/v1/clusters`, {
    method: 'POST',
    headers: { 'x-api-key': adminKey, 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'traced' }),
  });
  const { token } = clusterTokenResponseSchema.parse(await created.json());
  const executor = await startExecutor(
    buildExecutorConfig(
      {
        apiUrl: server.url,
        clusterId: 'traced',
        token,
        kubectl: createFakeKubectl().path,
        logLevel: 'silent',
      },
      { PATH: process.env['PATH'], OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiverUrl },
    ),
  );
  await eventually(async () => {
    const answer = await fetch(`${server.url}/v1/clusters/traced`, { headers: { 'x-api-key': adminKey } });
    return ((await answer.json()) as { connected?: boolean }).connected === true ? true : undefined;
  });
  return { server, executor };
};

/**
 * One command from a caller holding a trace: the caller's traceparent continues into the server's
 * request span, the command span, the executor's kubectl span (via the SSE command frame) and the
 * server's span for the result post (via its traceparent header), all exported over OTLP/HTTP.
 */
describe('tracing: one connected trace from caller to kubectl and back', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let server: RunningServer;
  let executor: RunningExecutor;

  beforeAll(async () => {
    receiver = await startReceiver();
    ({ server, executor } = await startTraced(receiver.url));
  });

  afterAll(async () => {
    await executor.close();
    await server.close();
    await new Promise((resolve) => receiver.server.close(resolve));
  });

  it('links the spans of both processes under the caller', async () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const answer = await fetch(`${server.url}/v1/commands`, {
      method: 'POST',
      headers: {
        'x-api-key': adminKey,
        'content-type': 'application/json',
        traceparent: `00-${traceId}-${callerSpanId}-01`,
      },
      body: JSON.stringify({ clusterId: 'traced', args: ['get', 'pods'] }),
    });
    expect(commandResponseSchema.parse(await answer.json()).status).toBe('succeeded');
    // Closing flushes both processes' batches.
    await executor.close();
    await server.close();
    const inTrace = await eventually(() => {
      const found = receiver.spans.filter((span) => span.traceId === traceId);
      return found.some((span) => span.name === 'POST /v1/executor/results') ? found : undefined;
    });
    const named = (service: string, name: string): ReceivedSpan => {
      const matches = inTrace.filter((span) => span.service === service && span.name === name);
      expect(matches, `${service} ${name}`).toHaveLength(1);
      return matches[0] as ReceivedSpan;
    };
    const request = named('kubently-server', 'POST /v1/commands');
    const command = named('kubently-server', 'command get');
    const kubectl = named('kubently-executor', 'kubectl get');
    const resultPost = named('kubently-server', 'POST /v1/executor/results');
    expect(request.parentSpanId).toBe(callerSpanId);
    expect(command.parentSpanId).toBe(request.spanId);
    expect(kubectl.parentSpanId).toBe(command.spanId);
    expect(resultPost.parentSpanId).toBe(kubectl.spanId);
  });
});

/**
 * A question to the agent over A2A: the model's steps are children of the request, the tool call a
 * child of its step, and the command the tool relays a child of the tool call, down to kubectl.
 */
describe('tracing: agent steps and tool calls as child spans', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let server: RunningServer;
  let executor: RunningExecutor;
  const scripted = programmableModel();

  beforeAll(async () => {
    receiver = await startReceiver();
    ({ server, executor } = await startTraced(receiver.url, scripted.model));
  });

  afterAll(async () => {
    await executor.close();
    await server.close();
    await new Promise((resolve) => receiver.server.close(resolve));
  });

  it('reads caller → request → agent step → tool call → command → kubectl', async () => {
    scripted.script([
      {
        toolCalls: [
          { id: 'call-1', name: 'execute_kubectl', input: { clusterId: 'traced', args: ['get', 'pods'] } },
        ],
      },
      { text: 'All pods are running.' },
    ]);
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const client = await a2aClient(server.url);
    await client.sendMessage(userMessage('are my pods fine?', { clusterId: 'traced' }), {
      serviceParameters: { 'X-API-Key': adminKey, traceparent: `00-${traceId}-${callerSpanId}-01` },
    });
    await executor.close();
    await server.close();
    const inTrace = await eventually(() => {
      const found = receiver.spans.filter((span) => span.traceId === traceId);
      return found.filter((span) => span.name === 'agent step').length === 2 &&
        found.some((span) => span.name === 'kubectl get')
        ? found
        : undefined;
    });
    const byId = new Map(inTrace.map((span) => [span.spanId, span]));
    const one = (name: string): ReceivedSpan => {
      const matches = inTrace.filter((span) => span.name === name);
      expect(matches, name).toHaveLength(1);
      return matches[0] as ReceivedSpan;
    };
    const steps = inTrace.filter((span) => span.name === 'agent step');
    const tool = one('tool execute_kubectl');
    const command = one('command get');
    const kubectl = one('kubectl get');
    const firstStep = byId.get(tool.parentSpanId ?? '');
    expect(firstStep?.name).toBe('agent step');
    expect(firstStep?.attributes).toMatchObject({
      'kubently.agent.step': 1,
      'gen_ai.provider.name': 'scripted',
      'gen_ai.request.model': 'scripted-1',
      'gen_ai.usage.input_tokens': 100,
      'gen_ai.usage.output_tokens': 20,
    });
    expect(steps.map((step) => step.attributes['kubently.agent.step']).sort()).toEqual([1, 2]);
    for (const step of steps) {
      const request = byId.get(step.parentSpanId ?? '');
      expect(request?.service).toBe('kubently-server');
      expect(request?.name).toMatch(/^POST /);
      expect(request?.parentSpanId).toBe(callerSpanId);
    }
    expect(tool.attributes).toMatchObject({
      'gen_ai.tool.name': 'execute_kubectl',
      'kubently.tool.outcome': 'ok',
    });
    expect(typeof tool.attributes['kubently.tool.duration_ms']).toBe('number');
    expect(command.parentSpanId).toBe(tool.spanId);
    expect(kubectl.parentSpanId).toBe(command.spanId);
  });
});
