import { afterEach, describe, expect, it } from 'vitest';

import { commandSchema, diagnoseResponseSchema, readArgv } from '@kubently/protocol';
import type { AuditList, Command, ExecutorCapabilities } from '@kubently/protocol';

import { createTestServer } from '../support/test-server.js';
import type { FakeExecutor, TestServer } from '../support/test-server.js';

let server: TestServer;

afterEach(async () => {
  await server.close();
});

const crashLoopingPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'api-7d9f-x1', namespace: 'shop', uid: 'pod-1' },
  spec: { containers: [{ name: 'api', image: 'shop/api:1.4' }] },
  status: {
    phase: 'Running',
    containerStatuses: [
      {
        name: 'api',
        ready: false,
        restartCount: 9,
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error' } },
      },
    ],
  },
};

const capabilities = (read: boolean): ExecutorCapabilities => ({
  executorId: 'executor-1',
  executorVersion: '0.1.0',
  mode: 'readOnly',
  kubectlVersion: null,
  kubernetesVersion: null,
  maxConcurrency: 4,
  transport: 'sse',
  ...(read ? { read: { maxPageSize: 5000, table: true } } : {}),
});

/** Answers every command (read or kubectl) with a List; pods are answered in two results. */
const serve = async (executor: FakeExecutor, done: Promise<unknown>): Promise<Command[]> => {
  const state = { finished: false };
  void done.finally(() => {
    state.finished = true;
  });
  const received: Command[] = [];
  while (!state.finished) {
    const frame = await executor.nextCommand(200).catch(() => undefined);
    if (frame === undefined) continue;
    const command = commandSchema.parse(frame);
    received.push(command);
    const isPods = command.read?.resource === 'pods' || command.args[1] === 'pods';
    const first = isPods && command.read !== undefined && command.read.continue === undefined;
    const items = isPods && !first ? [crashLoopingPod] : [];
    const metadata = first ? { continue: 'page-2' } : {};
    await executor.postResult(command.id, {
      stdout: JSON.stringify({ apiVersion: 'v1', kind: 'List', metadata, items }),
    });
  }
  return received;
};

const report = async (token: string, read: boolean) => {
  const reported = await server.app.request('/v1/executor/capabilities', {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'x-executor-id': 'executor-1',
      'content-type': 'application/json',
    },
    body: JSON.stringify(capabilities(read)),
  });
  expect(reported.status).toBe(204);
};

describe('diagnosis through the executor read path', { timeout: 30_000 }, () => {
  it('sends reads (argv beside them) to an executor that offers the read path and follows continue', async () => {
    server = createTestServer();
    const token = await server.createCluster();
    const executor = await server.connectExecutor(token);
    await report(token, true);
    const pending = server.call('POST', '/v1/clusters/prod/diagnose', { as: 'operator' });
    const received = await serve(executor, pending);
    const response = await pending;
    expect(response.status).toBe(200);
    const body = diagnoseResponseSchema.parse(await response.json());
    expect(body.findings.map((finding) => finding.rule)).toContain('container-crash-loop');
    const reads = received.filter((command) => command.read !== undefined);
    // Container logs are not collections: they stay kubectl commands.
    expect(received.filter((command) => command.read === undefined).every((c) => c.args[0] === 'logs')).toBe(
      true,
    );
    for (const command of reads)
      expect(command.args).toEqual(readArgv(command.read ?? { group: '', version: 'v1', resource: 'x' }));
    const podReads = reads.filter((command) => command.read?.resource === 'pods');
    expect(podReads.map((command) => command.read?.continue)).toEqual([undefined, 'page-2']);
    expect(reads.some((command) => command.args.some((arg) => arg.includes(',')))).toBe(false);

    const audit = (await (
      await server.call('GET', '/v1/audit?clusterId=prod&limit=200')
    ).json()) as AuditList;
    expect(audit.records.map((record) => record.argv)).toContainEqual(['get', 'pods', '-A', '-o', 'json']);
  });

  it('lists with kubectl argv when the executor does not report the read capability', async () => {
    server = createTestServer();
    const token = await server.createCluster();
    const executor = await server.connectExecutor(token);
    await report(token, false);
    const pending = server.call('POST', '/v1/clusters/prod/diagnose', { as: 'operator' });
    const received = await serve(executor, pending);
    expect((await pending).status).toBe(200);
    expect(received.every((command) => command.read === undefined)).toBe(true);
    expect(received.map((command) => command.args)).toContainEqual(['get', 'pods', '-A', '-o', 'json']);
  });
});
