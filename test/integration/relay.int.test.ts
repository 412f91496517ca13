import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

import {
  commandResponseSchema,
  errorBodySchema,
  seedExecuteResponseSchema,
  sessionSchema,
} from '@kubently/protocol';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createFakeKubectl } from '../fixtures/fake-kubectl.js';
import type { FakeKubectl } from '../fixtures/fake-kubectl.js';
import { connectExecutor, startServer } from './support/kubently.js';
import type { RunningServer } from './support/kubently.js';
import { eventually, stopAll } from './support/processes.js';
import type { Spawned } from './support/processes.js';

/**
 * The relay through real processes: the built server and a built executor on loopback, with the
 * kubectl test double (test/fixtures/fake-kubectl.mjs) as the executor's kubectl binary.
 */
describe('relay: server + executor round trips', () => {
  let server: RunningServer;
  let kubectl: FakeKubectl;
  let executor: Spawned;
  const clusterId = 'relay-main';

  beforeAll(async () => {
    server = await startServer({ KUBENTLY_EXECUTOR_GRACE_MS: '500' });
    kubectl = createFakeKubectl();
    const token = await server.api.addCluster(clusterId);
    executor = await connectExecutor(server, { clusterId, token, kubectl });
  });
  afterAll(stopAll);

  const run = async (body: Record<string, unknown>, query = ''): Promise<{ status: number; body: unknown }> =>
    server.api.post(`/v1/commands${query}`, { clusterId, ...body });
  const ranWith = (marker: string) => kubectl.invocations().filter((i) => i.argv.includes(marker));

  it('runs a command and returns kubectl output, exit code and duration', async () => {
    const marker = `pod-${randomUUID()}`;
    const answer = await run({ args: ['get', 'pods', marker], namespace: 'kube-system' });
    expect(answer.status).toBe(200);
    const response = commandResponseSchema.parse(answer.body);
    expect(response).toMatchObject({
      clusterId,
      status: 'succeeded',
      exitCode: 0,
      truncated: false,
      redactions: 0,
    });
    const argv = (JSON.parse(response.stdout ?? '') as { argv: string[] }).argv;
    expect(argv.slice(0, 3)).toEqual(['get', 'pods', marker]);
    expect(argv.join(' ')).toContain('kube-system');
    expect(ranWith(marker)).toHaveLength(1);
    expect(ranWith(marker)[0]?.envKeys).not.toContain('KUBENTLY_TOKEN');
  });

  it('accepts a command string and tokenizes it without a shell', async () => {
    const marker = `pod-${randomUUID()}`;
    const answer = await run({ command: `get pods ${marker} -l 'app=web'` });
    const response = commandResponseSchema.parse(answer.body);
    expect(response.status).toBe('succeeded');
    expect(ranWith(marker)[0]?.argv).toContain('app=web');
  });

  it('reports a non-zero kubectl exit as a failed result, not an HTTP error', async () => {
    const answer = await run({ args: ['get', 'pods', 'fake-exit-3'] });
    expect(answer.status).toBe(200);
    expect(commandResponseSchema.parse(answer.body)).toMatchObject({
      status: 'failed',
      exitCode: 3,
      stderr: 'fake failure\n',
    });
  });

  it('rejects what the policy denies with 422 and never invokes kubectl', async () => {
    const marker = `victim-${randomUUID()}`;
    for (const args of [
      ['delete', 'pod', marker],
      ['get', 'pods', marker, '--kubeconfig=/etc/other'],
      ['exec', marker, '--', 'sh'],
    ]) {
      const answer = await run({ args });
      expect(answer.status).toBe(422);
      expect(errorBodySchema.parse(answer.body).error.code).toBe('policy_denied');
    }
    expect(ranWith(marker)).toEqual([]);
  });

  it('redacts Secret values before they leave the executor', async () => {
    const answer = await run({ args: ['get', 'secret', 'db-credentials', '-o', 'json'] });
    expect(answer.status).toBe(200);
    const response = commandResponseSchema.parse(answer.body);
    expect(response.status).toBe('succeeded');
    expect(response.stdout).not.toContain('c3VwZXJzZWNyZXQ=');
    expect(response.stdout).toContain('password');
    expect(response.redactions).toBe(2);
  });

  it('kills kubectl and its process group at the timeout: a definite command_timeout', async () => {
    const marker = 'fake-group-sleep-30';
    const answer = await run({ args: ['get', 'pods', marker], timeoutSeconds: 1 }, '?wait=false');
    expect(answer.status).toBe(202);
    const { id } = commandResponseSchema.parse(answer.body);
    const final = await eventually(async () => {
      const current = commandResponseSchema.parse((await server.api.get(`/v1/commands/${id}`)).body);
      return current.status === 'failed' ? current : undefined;
    });
    expect(final.failure?.code).toBe('command_timeout');
    const grandchild = ranWith(marker)[0]?.grandchildPid;
    expect(grandchild).toBeTypeOf('number');
    await eventually(() => (isRunning(grandchild!) ? undefined : true));
  });

  it('answers 504 command_timeout to a caller whose deadline passes first', async () => {
    const answer = await run({ args: ['get', 'pods', 'fake-sleep-3'], timeoutSeconds: 1 });
    expect([200, 504]).toContain(answer.status);
    if (answer.status === 504) expect(errorBodySchema.parse(answer.body).error.code).toBe('command_timeout');
    else expect(commandResponseSchema.parse(answer.body).failure?.code).toBe('command_timeout');
  });

  it('async mode: 202 queued, then GET returns the result', async () => {
    const marker = `pod-${randomUUID()}`;
    const answer = await run({ args: ['get', 'pods', marker] }, '?wait=false');
    expect(answer.status).toBe(202);
    const queued = commandResponseSchema.parse(answer.body);
    expect(['queued', 'running', 'succeeded']).toContain(queued.status);
    const done = await eventually(async () => {
      const current = commandResponseSchema.parse((await server.api.get(`/v1/commands/${queued.id}`)).body);
      return current.status === 'succeeded' ? current : undefined;
    });
    expect(done.stdout).toContain(marker);
    expect((await server.api.get('/v1/commands/no-such-command')).status).toBe(404);
  });

  it('runs concurrent commands, each exactly once', async () => {
    const markers = Array.from({ length: 12 }, () => `pod-${randomUUID()}`);
    const answers = await Promise.all(markers.map((marker) => run({ args: ['get', 'pods', marker] })));
    expect(answers.map((a) => a.status)).toEqual(markers.map(() => 200));
    for (const marker of markers) expect(ranWith(marker)).toHaveLength(1);
  });

  it('session lifecycle: create, run inside, read, close; the executor is told', async () => {
    const created = await server.api.post('/v1/sessions', { clusterId, ttlSeconds: 60 });
    expect(created.status).toBe(201);
    const session = sessionSchema.parse(created.body);
    const marker = `pod-${randomUUID()}`;
    const inSession = await run({ args: ['get', 'pods', marker], sessionId: session.id });
    expect(commandResponseSchema.parse(inSession.body).status).toBe('succeeded');
    expect((await server.api.get(`/v1/sessions/${session.id}`)).status).toBe(200);
    expect((await server.api.delete(`/v1/sessions/${session.id}`)).status).toBe(204);
    expect((await server.api.get(`/v1/sessions/${session.id}`)).status).toBe(404);
    const closed = await run({ args: ['get', 'pods'], sessionId: session.id });
    expect(closed.status).toBe(404);
    await executor.waitForLog((l) => l.msg === 'session started' && l.session_id === session.id);
    await executor.waitForLog((l) => l.msg === 'session ended' && l.session_id === session.id);
  });

  it('seed alias POST /debug/execute runs through the same relay', async () => {
    const marker = `pod-${randomUUID()}`;
    const answer = await server.api.post('/debug/execute', {
      cluster_id: clusterId,
      command_type: 'get',
      args: ['pods', marker],
      namespace: 'default',
    });
    expect(answer.status).toBe(200);
    const body = seedExecuteResponseSchema.parse(answer.body);
    expect(body.status).toBe('success');
    expect(body.output).toContain(marker);
    expect(ranWith(marker)).toHaveLength(1);
  });

  it('answers 503 executor_unavailable when no executor of the cluster connects', async () => {
    await server.api.addCluster('relay-orphan');
    const answer = await server.api.post('/v1/commands', {
      clusterId: 'relay-orphan',
      args: ['get', 'pods'],
    });
    expect(answer.status).toBe(503);
    expect(errorBodySchema.parse(answer.body).error.code).toBe('executor_unavailable');
  });

  it('answers 404 cluster_not_found for an unknown cluster', async () => {
    const answer = await server.api.post('/v1/commands', {
      clusterId: 'relay-unknown',
      args: ['get', 'pods'],
    });
    expect(answer.status).toBe(404);
    expect(errorBodySchema.parse(answer.body).error.code).toBe('cluster_not_found');
  });
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // An orphan may linger as a zombie where pid 1 does not reap: that is not running.
    return !/\) Z /.test(readProcStat(pid));
  } catch {
    return false;
  }
}

function readProcStat(pid: number): string {
  return readFileSync(`/proc/${pid}/stat`, 'utf8');
}
