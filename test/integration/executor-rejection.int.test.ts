import { fileURLToPath } from 'node:url';

import { buildExecutorConfig, start as startExecutor } from '@kubently/executor';
import type { RunningExecutor } from '@kubently/executor';
import { createConfig, start as startServer } from '@kubently/server';
import type { RunningServer } from '@kubently/server';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';

import { eventually, executorMain, spawnNode, stopAll } from './support/processes.js';

const fakeKubectl = fileURLToPath(new URL('../fixtures/fake-kubectl.mjs', import.meta.url));
const adminKey = 'admin-key-0123456789abcdef';

type LogLine = Record<string, unknown> & { msg?: string; level?: number };

let server: RunningServer | undefined;
let executor: RunningExecutor | undefined;
afterEach(async () => {
  await executor?.close();
  await server?.close();
  await stopAll();
  executor = undefined;
  server = undefined;
});

const boot = async (): Promise<RunningServer> => {
  server = await startServer(
    createConfig({
      port: 0,
      apiKeys: [{ identity: 'root', key: adminKey, role: 'admin' }],
      logLevel: 'silent',
    }),
  );
  return server;
};

const api = (running: RunningServer, method: string, path: string, body?: unknown) =>
  fetch(`${running.url}${path}`, {
    method,
    headers: { 'x-api-key': adminKey, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const addCluster = async (running: RunningServer, id: string): Promise<string> =>
  ((await (await api(running, 'POST', '/v1/clusters', { id })).json()) as { token: string }).token;

describe('an executor whose token the server refuses', { timeout: 60_000 }, () => {
  it('backs off to minutes with one log line, and /readyz says why (401)', async () => {
    const running = await boot();
    await addCluster(running, 'prod');
    const lines: LogLine[] = [];
    const delays: number[] = [];
    let reachedFifth: () => void = () => undefined;
    const fifth = new Promise<void>((resolve) => {
      reachedFifth = resolve;
    });
    executor = await startExecutor(
      buildExecutorConfig(
        {
          apiUrl: running.url,
          clusterId: 'prod',
          token: 'kbt_not-the-token',
          kubectl: fakeKubectl,
          healthPort: 0,
          rejectedBackoffSeconds: 300,
          clusterCheckSeconds: 3600,
        },
        { PATH: process.env['PATH'] },
      ),
      {
        logger: pino(
          { level: 'debug' },
          { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
        ),
        random: () => 0,
        // The link's waits: recorded, and after the 5th the executor waits until it is closed.
        // The API server check's interval (an hour) waits until close, like the 6th link wait.
        sleep: (ms, signal) => {
          const untilClosed = () =>
            new Promise<void>((_resolve, reject) => {
              signal?.addEventListener(
                'abort',
                () => {
                  reject(new Error('aborted'));
                },
                { once: true },
              );
            });
          if (ms === 3_600_000) return untilClosed();
          if (ms >= 10_000) delays.push(ms);
          if (delays.length < 5) return Promise.resolve();
          reachedFifth();
          return untilClosed();
        },
      },
    );
    await fifth;
    // Doubling from 30 s (jitter takes at most half off), capped by KUBENTLY_REJECTED_BACKOFF_SECONDS.
    expect(delays).toEqual([15_000, 30_000, 60_000, 120_000, 150_000]);
    const rejections = lines.filter((line) => String(line.msg).includes("rejects this executor's token"));
    expect(rejections).toHaveLength(1);
    expect(rejections[0]?.level).toBe(50);
    expect(lines.filter((line) => line.msg === 'command stream down; reconnecting')).toHaveLength(0);
    type Readiness = { checks: Record<string, { ok: boolean; message?: string }> };
    const readyz = async (): Promise<[number, Readiness]> => {
      const answer = await fetch(`${executor?.healthUrl ?? ''}/readyz`);
      return [answer.status, (await answer.json()) as Readiness];
    };
    const [status, body] = await eventually(async () => {
      const answer = await readyz();
      return answer[1].checks['cluster']?.message?.includes('has not been checked') === true
        ? undefined
        : answer;
    });
    expect(status).toBe(503);
    expect(body.checks['link']).toMatchObject({ ok: false });
    expect(body.checks['link']?.message).toContain('KUBENTLY_TOKEN');
    // The cluster's API server (the kubectl test double) answers: that check passes.
    expect(body.checks['cluster']?.ok).toBe(true);
  });

  it('stops for good when its cluster is removed: 410 cluster_removed, stopped resolves, main exits 3', async () => {
    const running = await boot();
    const token = await addCluster(running, 'prod');
    executor = await startExecutor(
      buildExecutorConfig(
        { apiUrl: running.url, clusterId: 'prod', token, kubectl: fakeKubectl, logLevel: 'silent' },
        { PATH: process.env['PATH'] },
      ),
    );
    await eventually(() => (executor?.metrics.isConnected === true ? true : undefined));
    const spawned = spawnNode(executorMain, {
      PATH: process.env['PATH'] ?? '',
      KUBENTLY_API_URL: running.url,
      CLUSTER_ID: 'prod',
      KUBENTLY_TOKEN: token,
      KUBENTLY_KUBECTL: fakeKubectl,
    });
    await spawned.waitForLog((line) => line['msg'] === 'connected to the server');

    // The same token on a never-registered-token basis is only 401; a removed cluster's is 410.
    expect((await api(running, 'DELETE', '/v1/clusters/prod')).status).toBe(204);
    const refused = await fetch(`${running.url}/v1/executor/commands?wait=0`, {
      headers: { authorization: `Bearer ${token}`, 'x-executor-id': 'probe' },
    });
    expect(refused.status).toBe(410);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('cluster_removed');
    const never = await fetch(`${running.url}/v1/executor/commands?wait=0`, {
      headers: { authorization: 'Bearer kbt_never-issued', 'x-executor-id': 'probe' },
    });
    expect(never.status).toBe(401);

    expect(await executor.stopped).toMatchObject({ type: 'cluster-removed' });
    expect(await spawned.exited).toBe(3);
    expect(spawned.output()).toContain('the cluster was removed from the server');
  });
});
