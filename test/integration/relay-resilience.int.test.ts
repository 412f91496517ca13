import { randomUUID } from 'node:crypto';

import { commandResponseSchema, errorBodySchema } from '@kubently/protocol';
import type { CommandResponse } from '@kubently/protocol';
import { afterEach, describe, expect, it } from 'vitest';

import { createFakeKubectl } from '../fixtures/fake-kubectl.js';
import type { FakeKubectl } from '../fixtures/fake-kubectl.js';
import { Scrape } from '../support/prometheus-text.js';
import { connectExecutor, startServer } from './support/kubently.js';
import type { RunningServer } from './support/kubently.js';
import { eventually, stopAll } from './support/processes.js';
import type { Spawned } from './support/processes.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function submitAsync(
  server: RunningServer,
  clusterId: string,
  args: string[],
  timeoutSeconds = 30,
): Promise<string> {
  const answer = await server.api.post('/v1/commands?wait=false', { clusterId, args, timeoutSeconds });
  expect(answer.status).toBe(202);
  return commandResponseSchema.parse(answer.body).id;
}

async function finalState(server: RunningServer, id: string, timeoutMs = 30_000): Promise<CommandResponse> {
  return eventually(async () => {
    const current = commandResponseSchema.parse((await server.api.get(`/v1/commands/${id}`)).body);
    return current.status === 'succeeded' || current.status === 'failed' ? current : undefined;
  }, timeoutMs);
}

async function metricsOf(executor: Spawned): Promise<string> {
  const started = await executor.waitForLog((l) => l.msg === 'executor started');
  return (await fetch(`${String(started.healthUrl)}/metrics`)).text();
}

/** The one sample of `name` (executor series also carry `cluster`), parsed by prom2json. */
const metric = async (text: string, name: string): Promise<number> => (await Scrape.parse(text)).value(name);

describe('relay resilience', () => {
  afterEach(stopAll);
  const ranWith = (kubectl: FakeKubectl, marker: string) =>
    kubectl.invocations().filter((i) => i.argv.includes(marker));

  it('executor SIGKILLed mid-command and restarted: the command fails definitely and never runs twice', async () => {
    const server = await startServer({ KUBENTLY_REDELIVERY_GRACE_MS: '1500' });
    const clusterId = 'kill-restart';
    const token = await server.api.addCluster(clusterId);
    const kubectl = createFakeKubectl();
    const first = await connectExecutor(server, { clusterId, token, kubectl });
    const marker = `pod-${randomUUID()}`;
    const id = await submitAsync(server, clusterId, ['get', 'pods', 'fake-sleep-3', marker]);
    await eventually(() => (ranWith(kubectl, marker).length === 1 ? true : undefined));
    await first.stop('SIGKILL');
    const second = await connectExecutor(server, { clusterId, token, kubectl });

    const final = await finalState(server, id);
    expect(final.status).toBe('failed');
    expect(final.failure?.code).toBe('executor_error');
    expect(final.failure?.message).toMatch(/may or may not have run/);
    await pause(1500);
    expect(ranWith(kubectl, marker)).toHaveLength(1);

    const after = `pod-${randomUUID()}`;
    const answer = await server.api.post('/v1/commands', { clusterId, args: ['get', 'pods', after] });
    expect(commandResponseSchema.parse(answer.body).status).toBe('succeeded');
    expect(ranWith(kubectl, after)[0]?.ppid).toBe(second.pid);
  });

  it('executor SIGTERMed mid-command: it kills kubectl and reports a definite failure', async () => {
    const server = await startServer();
    const clusterId = 'graceful';
    const token = await server.api.addCluster(clusterId);
    const kubectl = createFakeKubectl();
    const executor = await connectExecutor(server, { clusterId, token, kubectl });
    const marker = `pod-${randomUUID()}`;
    const id = await submitAsync(server, clusterId, ['get', 'pods', 'fake-sleep-30', marker]);
    await eventually(() => (ranWith(kubectl, marker).length === 1 ? true : undefined));
    expect(await executor.stop('SIGTERM')).toBe(0);
    const final = await finalState(server, id, 10_000);
    expect(final).toMatchObject({ status: 'failed', failure: { code: 'executor_error' } });
  });

  it('keepalives hold an idle link open; a stalled server is left by the watchdog and rejoined', async () => {
    const server = await startServer({ KUBENTLY_KEEPALIVE_SECONDS: '1' });
    const clusterId = 'keepalive';
    const token = await server.api.addCluster(clusterId);
    const kubectl = createFakeKubectl();
    const executor = await connectExecutor(server, {
      clusterId,
      token,
      kubectl,
      env: { KUBENTLY_WATCHDOG_SECONDS: '5', KUBENTLY_HEALTH_PORT: '0', KUBENTLY_MAX_BACKOFF_SECONDS: '1' },
    });
    await pause(7000);
    const idle = await metricsOf(executor);
    expect(await metric(idle, 'kubently_executor_reconnects_total')).toBe(0);
    expect(await metric(idle, 'kubently_executor_connected')).toBe(1);

    // A command in flight while the server stalls: its result post waits, the watchdog reconnects
    // with Last-Event-ID, the server may redeliver: it must still run exactly once.
    const marker = `pod-${randomUUID()}`;
    const id = await submitAsync(server, clusterId, ['get', 'pods', 'fake-sleep-2', marker]);
    await eventually(() => (ranWith(kubectl, marker).length === 1 ? true : undefined));
    server.process.child.kill('SIGSTOP');
    await executor.waitForLog(
      (l) => l.msg === 'command stream down; reconnecting' && /no data/.test(String(l.reason)),
    );
    server.process.child.kill('SIGCONT');
    await server.api.waitForExecutors(clusterId);

    const final = await finalState(server, id);
    expect(final.status).toBe('succeeded');
    expect(ranWith(kubectl, marker)).toHaveLength(1);
    const after = await metricsOf(executor);
    expect(await metric(after, 'kubently_executor_reconnects_total')).toBeGreaterThanOrEqual(1);
    const answer = await server.api.post('/v1/commands', { clusterId, args: ['get', 'pods', 'after-stall'] });
    expect(commandResponseSchema.parse(answer.body).status).toBe('succeeded');
  });

  it('executor SIGSTOPped past the caller deadline: 504, and its late result does not revive the command', async () => {
    const server = await startServer();
    const clusterId = 'stopped';
    const token = await server.api.addCluster(clusterId);
    const kubectl = createFakeKubectl();
    const executor = await connectExecutor(server, { clusterId, token, kubectl });
    executor.child.kill('SIGSTOP');
    const marker = `pod-${randomUUID()}`;
    const answer = await server.api.post('/v1/commands', {
      clusterId,
      args: ['get', 'pods', marker],
      timeoutSeconds: 1,
    });
    expect(answer.status).toBe(504);
    executor.child.kill('SIGCONT');
    const commandId = errorBodySchema.parse(answer.body).error.details?.commandId;
    expect(commandId).toBeTypeOf('string');
    // The woken executor reads the command and the `cancel` the server sent at the deadline together:
    // kubectl is killed at once (perhaps before it logged its start) and that result is acked.
    await executor.waitForLog(
      (l) => l.msg === 'server cancelled a running command; killing kubectl' && l.command_id === commandId,
    );
    await executor.waitForLog(
      (l) => l.msg === 'result delivery ended' && l.outcome === 'acked' && l.command_id === commandId,
    );
    const current = commandResponseSchema.parse(
      (await server.api.get(`/v1/commands/${String(commandId)}`)).body,
    );
    expect(current).toMatchObject({ status: 'failed', failure: { code: 'command_timeout' } });
    expect(ranWith(kubectl, marker).length).toBeLessThanOrEqual(1);
  });

  it('long-poll transport relays commands with the same guarantees', async () => {
    const server = await startServer();
    const clusterId = 'long-poll';
    const token = await server.api.addCluster(clusterId);
    const kubectl = createFakeKubectl();
    await connectExecutor(server, { clusterId, token, kubectl, env: { KUBENTLY_TRANSPORT: 'poll' } });
    const markers = Array.from({ length: 6 }, () => `pod-${randomUUID()}`);
    const answers = await Promise.all(
      markers.map((marker) => server.api.post('/v1/commands', { clusterId, args: ['get', 'pods', marker] })),
    );
    for (const answer of answers) expect(commandResponseSchema.parse(answer.body).status).toBe('succeeded');
    for (const marker of markers) expect(ranWith(kubectl, marker)).toHaveLength(1);
    const clusters = await server.api.get('/v1/clusters');
    expect(JSON.stringify(clusters.body)).toContain('"kubectlVersion":"v1.31.0-fake"');
  });

  it('two executors of one cluster: every command runs exactly once, on either', async () => {
    const server = await startServer();
    const clusterId = 'ha-pair';
    const token = await server.api.addCluster(clusterId);
    const kubectl = createFakeKubectl();
    const first = await connectExecutor(server, { clusterId, token, kubectl });
    const second = await connectExecutor(server, { clusterId, token, kubectl }, 2);
    const markers = Array.from({ length: 8 }, () => `pod-${randomUUID()}`);
    const answers = await Promise.all(
      markers.map((marker) =>
        server.api.post('/v1/commands', { clusterId, args: ['get', 'pods', 'fake-sleep-1', marker] }),
      ),
    );
    for (const answer of answers) expect(commandResponseSchema.parse(answer.body).status).toBe('succeeded');
    const runners = new Set<number>();
    for (const marker of markers) {
      const runs = ranWith(kubectl, marker);
      expect(runs).toHaveLength(1);
      runners.add(runs[0]!.ppid);
    }
    expect([...runners].sort()).toEqual([first.pid, second.pid].sort());
  });
});
