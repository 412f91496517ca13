import { randomUUID } from 'node:crypto';

import { auditRecordSchema, commandResponseSchema, errorBodySchema } from '@kubently/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { createFakeKubectl } from '../fixtures/fake-kubectl.js';
import type { FakeKubectl } from '../fixtures/fake-kubectl.js';
import { adminKey, connectExecutor, startServer } from './support/kubently.js';
import type { RunningServer } from './support/kubently.js';
import { eventually, stopAll } from './support/processes.js';

const auditAnswerSchema = z.object({ records: z.array(auditRecordSchema) });

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Cancelling a command the executor already started: the built server and executor, the kubectl
 * test double sleeping far longer than the test waits. The fake's process must be gone long before
 * its sleep ends (the eventually() bound is half of it), and the command ends with one audit record.
 */
describe('relay: a caller that stops waiting cancels the running kubectl', { timeout: 60_000 }, () => {
  let server: RunningServer;
  let kubectl: FakeKubectl;
  const clusterId = 'relay-cancel';

  beforeAll(async () => {
    server = await startServer();
    kubectl = createFakeKubectl();
    const token = await server.api.addCluster(clusterId);
    await connectExecutor(server, { clusterId, token, kubectl });
  });
  afterAll(stopAll);

  const started = (marker: string) =>
    eventually(() => kubectl.invocations().find((call) => call.argv.includes(marker)));
  const auditOf = async (correlationId: string) => {
    const answer = await server.api.get(`/v1/audit?clusterId=${clusterId}&limit=1000`);
    return auditAnswerSchema.parse(answer.body).records.filter((r) => r.correlationId === correlationId);
  };

  it('X-Request-Timeout shorter than the command: 504, and the executor kills kubectl', async () => {
    const marker = `pod-${randomUUID()}`;
    const correlationId = `corr-${randomUUID()}`;
    const answer = await server.api.post(
      '/v1/commands',
      { clusterId, args: ['get', 'pods', marker, 'fake-sleep-40'], timeoutSeconds: 60 },
      { 'x-request-timeout': '2', 'x-correlation-id': correlationId },
    );
    expect(answer.status).toBe(504);
    const error = errorBodySchema.parse(answer.body);
    expect(error.error.code).toBe('command_timeout');
    const { pid } = await started(marker);
    await eventually(() => (isAlive(pid) ? undefined : true), 20_000);
    // The executor's "cancelled" result is acked and dropped: the record keeps the server's ending.
    const records = await eventually(async () => {
      const found = await auditOf(correlationId);
      return found.length > 0 ? found : undefined;
    });
    expect(records).toHaveLength(1);
    expect(records[0]?.outcome).toBe('timeout');
    const commandId = records[0]?.commandId ?? '';
    await new Promise((resolve) => setTimeout(resolve, 500));
    const record = commandResponseSchema.parse((await server.api.get(`/v1/commands/${commandId}`)).body);
    expect(record).toMatchObject({ status: 'failed', failure: { code: 'command_timeout' } });
    expect(await auditOf(correlationId)).toHaveLength(1);
  });

  it('a caller that disconnects mid-command: the command fails once and kubectl is killed', async () => {
    const marker = `pod-${randomUUID()}`;
    const correlationId = `corr-${randomUUID()}`;
    const controller = new AbortController();
    const request = fetch(`${server.url}/v1/commands`, {
      method: 'POST',
      headers: {
        'x-api-key': adminKey,
        'content-type': 'application/json',
        'x-correlation-id': correlationId,
      },
      body: JSON.stringify({ clusterId, args: ['get', 'pods', marker, 'fake-sleep-40'], timeoutSeconds: 60 }),
      signal: controller.signal,
    });
    const { pid } = await started(marker);
    controller.abort();
    await expect(request).rejects.toThrow();
    await eventually(() => (isAlive(pid) ? undefined : true), 20_000);
    const records = await eventually(async () => {
      const found = await auditOf(correlationId);
      return found.length > 0 ? found : undefined;
    });
    expect(records).toHaveLength(1);
    expect(records[0]?.outcome).toBe('failed');
    const commandId = records[0]?.commandId ?? '';
    await new Promise((resolve) => setTimeout(resolve, 500));
    const record = commandResponseSchema.parse((await server.api.get(`/v1/commands/${commandId}`)).body);
    expect(record.status).toBe('failed');
    expect(record.failure?.message).toMatch(/caller went away while the command was running/);
    expect(await auditOf(correlationId)).toHaveLength(1);
  });
});
