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
import { eventually } from './support/processes.js';

interface ReceivedSpan {
  readonly service: string;
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
}

interface OtlpJson {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
    scopeSpans?: { spans?: { name: string; traceId: string; spanId: string; parentSpanId?: string }[] }[];
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
    const environment = { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url };
    server = await startServer(
      createConfig({
        host: '127.0.0.1',
        port: 0,
        logLevel: 'silent',
        apiKeys: [{ identity: 'alice', key: adminKey, role: 'admin' }],
        tracing: { url: receiver.url, headers: {}, serviceName: 'kubently-server' },
      }),
    );
    const created = await fetch(`${server.url}/v1/clusters`, {
      method: 'POST',
      headers: { 'x-api-key': adminKey, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'traced' }),
    });
    const { token } = clusterTokenResponseSchema.parse(await created.json());
    executor = await startExecutor(
      buildExecutorConfig(
        {
          apiUrl: server.url,
          clusterId: 'traced',
          token,
          kubectl: createFakeKubectl().path,
          logLevel: 'silent',
        },
        { PATH: process.env['PATH'], ...environment },
      ),
    );
    await eventually(async () => {
      const answer = await fetch(`${server.url}/v1/clusters/traced`, { headers: { 'x-api-key': adminKey } });
      return ((await answer.json()) as { connected?: boolean }).connected === true ? true : undefined;
    });
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
