import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { clusterListSchema, commandResponseSchema, errorBodySchema } from '@kubently/protocol';
import type { CommandResponse } from '@kubently/protocol';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { createFakeKubectl } from '../fixtures/fake-kubectl.js';
import type { FakeKubectl } from '../fixtures/fake-kubectl.js';
import { connectExecutor, startExecutor, startServer } from './support/kubently.js';
import type { HttpAnswer, RunningServer } from './support/kubently.js';
import { eventually, serverMain, spawnNode, stopAll } from './support/processes.js';
import { createPrivateRedis } from './support/redis-server.js';
import { startTcpProxy } from './support/tcp-proxy.js';
import type { TcpProxy } from './support/tcp-proxy.js';

/**
 * Several server replicas sharing the machine's Redis (127.0.0.1:6379), the built executor and the
 * kubectl test double, all real processes. Every test asserts what ran (the kubectl log) and what
 * each caller received: zero lost, zero duplicated.
 */
const sharedRedis = 'redis://127.0.0.1:6379';
const prefixes: string[] = [];

const replicaEnv = (prefix: string, url = sharedRedis): Record<string, string> => ({
  KUBENTLY_REDIS_URL: url,
  KUBENTLY_REDIS_PREFIX: prefix,
  KUBENTLY_KEEPALIVE_SECONDS: '1',
  KUBENTLY_EXECUTOR_GRACE_MS: '3000',
  KUBENTLY_REDELIVERY_GRACE_MS: '1500',
  // These tests send 30 commands at once with one key; the limit itself is tested below.
  KUBENTLY_MAX_COMMANDS_IN_FLIGHT_PER_IDENTITY: '64',
});

const startReplicas = async (
  count: number,
  url = sharedRedis,
  env: Record<string, string> = {},
): Promise<RunningServer[]> => {
  const prefix = `kubently-int:${randomUUID()}:`;
  prefixes.push(prefix);
  const replicas: RunningServer[] = [];
  for (let index = 0; index < count; index += 1)
    replicas.push(await startServer({ ...replicaEnv(prefix, url), ...env }));
  return replicas;
};

const executorEnv = { KUBENTLY_MAX_BACKOFF_SECONDS: '1' };

const ranWith = (kubectl: FakeKubectl, marker: string) =>
  kubectl.invocations().filter((invocation) => invocation.argv.includes(marker));

const run = (replica: RunningServer, clusterId: string, args: string[], query = ''): Promise<HttpAnswer> =>
  replica.api.post(`/v1/commands${query}`, { clusterId, args, timeoutSeconds: 30 });

async function finalState(replica: RunningServer, id: string): Promise<CommandResponse> {
  return eventually(async () => {
    const current = commandResponseSchema.parse((await replica.api.get(`/v1/commands/${id}`)).body);
    return current.status === 'succeeded' || current.status === 'failed' ? current : undefined;
  });
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Redis: several replicas share one state', () => {
  const proxies: TcpProxy[] = [];
  afterEach(async () => {
    await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
    await stopAll();
  });
  afterAll(async () => {
    const client = new Redis(sharedRedis);
    for (const prefix of prefixes) {
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await client.del(...keys);
      } while (cursor !== '0');
    }
    client.disconnect();
  });

  it('executor on replica A, callers on A and B: every command runs once and every caller gets its result', async () => {
    const [a, b] = (await startReplicas(2)) as [RunningServer, RunningServer];
    const clusterId = 'two-replicas';
    const token = await a.api.addCluster(clusterId);
    const kubectl = createFakeKubectl();
    await connectExecutor(a, { clusterId, token, kubectl, env: executorEnv });
    // B sees the executor A holds (presence lives in Redis).
    await b.api.waitForExecutors(clusterId, 1);

    const markers = Array.from({ length: 24 }, () => `pod-${randomUUID()}`);
    const answers = await Promise.all(
      markers.map((marker, index) => run(index % 3 === 0 ? a : b, clusterId, ['get', 'pods', marker])),
    );
    answers.forEach((answer, index) => {
      expect(answer.status).toBe(200);
      const response = commandResponseSchema.parse(answer.body);
      expect(response.status).toBe('succeeded');
      expect(response.stdout).toContain(markers[index]);
    });
    for (const marker of markers) expect(ranWith(kubectl, marker)).toHaveLength(1);

    // Either replica answers for a command the other one ran.
    const id = commandResponseSchema.parse(answers[1]?.body).id;
    expect(commandResponseSchema.parse((await a.api.get(`/v1/commands/${id}`)).body).status).toBe(
      'succeeded',
    );
  });

  it("one identity's in-flight limit holds across replicas: of 10 commands sent at once to both, 4 are taken, 6 answered 429", async () => {
    const [a, b] = (await startReplicas(2, sharedRedis, {
      KUBENTLY_MAX_COMMANDS_IN_FLIGHT_PER_IDENTITY: '4',
    })) as [RunningServer, RunningServer];
    const clusterId = 'limited';
    await a.api.addCluster(clusterId);
    // No executor: accepted commands stay queued (holding their slots) for the 3 s grace.
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        run(index % 2 === 0 ? a : b, clusterId, ['get', 'pods'], '?wait=false'),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 202)).toHaveLength(4);
    expect(statuses.filter((status) => status === 429)).toHaveLength(6);
    const refused = answers.find((answer) => answer.status === 429);
    expect(refused?.headers.get('retry-after')).toMatch(/^[1-5]$/);
    expect(errorBodySchema.parse(refused?.body).error.details).toMatchObject({
      limit: 'commands-in-flight-per-identity',
      max: 4,
      current: 4,
    });
  });

  it('two executors of one cluster on different replicas: each command runs exactly once', async () => {
    const [a, b] = (await startReplicas(2)) as [RunningServer, RunningServer];
    const clusterId = 'ha-executors';
    const token = await a.api.addCluster(clusterId);
    const kubectl = createFakeKubectl();
    const first = await connectExecutor(a, { clusterId, token, kubectl, env: executorEnv });
    const second = startExecutor({ apiUrl: b.url, clusterId, token, kubectl, env: executorEnv });
    await a.api.waitForExecutors(clusterId, 2);

    const markers = Array.from({ length: 30 }, () => `pod-${randomUUID()}`);
    const answers = await Promise.all(
      markers.map((marker, index) =>
        run(index % 2 === 0 ? a : b, clusterId, ['get', 'pods', 'fake-sleep-0', marker]),
      ),
    );
    for (const answer of answers) expect(commandResponseSchema.parse(answer.body).status).toBe('succeeded');
    const runners = new Set<number>();
    for (const marker of markers) {
      const ran = ranWith(kubectl, marker);
      expect(ran).toHaveLength(1);
      runners.add(ran[0]?.ppid ?? -1);
    }
    for (const runner of runners) expect([first.pid, second.pid]).toContain(runner);
  });

  it('the policy an executor reports on replica A is the pre-check on replica B (mode and extras)', async () => {
    const [a, b] = (await startReplicas(2)) as [RunningServer, RunningServer];
    const clusterId = 'policy-across';
    const token = await a.api.addCluster(clusterId);
    const kubectl = createFakeKubectl();
    const dir = mkdtempSync(join(tmpdir(), 'kubently-policy-'));
    const policyFile = join(dir, 'policy.json');
    writeFileSync(
      policyFile,
      JSON.stringify({ mode: 'extendedReadOnly', restrictedResources: ['configmaps'] }),
    );
    await connectExecutor(a, {
      clusterId,
      token,
      kubectl,
      env: { ...executorEnv, KUBENTLY_POLICY_FILE: policyFile },
    });
    // B learns the report from Redis, not from its own memory.
    await eventually(async () => {
      const cluster = clusterListSchema
        .parse((await b.api.get('/v1/clusters')).body)
        .clusters.find((entry) => entry.id === clusterId);
      return cluster?.mode === 'extendedReadOnly' ? true : undefined;
    });

    // A restricted resource: refused by B's pre-check (422), never sent to the executor.
    const restricted = `cm-${randomUUID()}`;
    const denied = await run(b, clusterId, ['get', 'configmaps', restricted]);
    expect(denied.status).toBe(422);
    expect(errorBodySchema.parse(denied.body).error.code).toBe('policy_denied');
    expect(ranWith(kubectl, restricted)).toHaveLength(0);

    // A flag only extendedReadOnly allows: B lets it through and the executor runs it.
    const watched = `pod-${randomUUID()}`;
    const answer = await run(b, clusterId, ['get', 'pods', watched, '--watch']);
    expect(answer.status).toBe(200);
    expect(commandResponseSchema.parse(answer.body).status).toBe('succeeded');
    expect(ranWith(kubectl, watched)).toHaveLength(1);
  });

  it('caller on replica B stops waiting (X-Request-Timeout): replica A, holding the stream, cancels the running kubectl', async () => {
    const [a, b] = (await startReplicas(2)) as [RunningServer, RunningServer];
    const clusterId = 'cancel-across';
    const token = await a.api.addCluster(clusterId);
    const kubectl = createFakeKubectl();
    await connectExecutor(a, { clusterId, token, kubectl, env: executorEnv });
    await b.api.waitForExecutors(clusterId, 1);
    const marker = `pod-${randomUUID()}`;
    const answer = await b.api.post(
      '/v1/commands',
      { clusterId, args: ['get', 'pods', marker, 'fake-sleep-40'], timeoutSeconds: 60 },
      { 'x-request-timeout': '2' },
    );
    expect(answer.status).toBe(504);
    expect(errorBodySchema.parse(answer.body).error.code).toBe('command_timeout');
    const [started] = ranWith(kubectl, marker);
    expect(started).toBeDefined();
    // Well before the fake's 40 s sleep ends: only a cancel from replica A can end it this early.
    await eventually(() => (isAlive(started!.pid) ? undefined : true), 20_000);
    const audit = await a.api.get(`/v1/audit?clusterId=${clusterId}`);
    const records = (audit.body as { records: { outcome: string }[] }).records;
    expect(records.map((record) => record.outcome)).toEqual(['timeout']);
  });

  it('executor SIGKILLed mid-command: the caller on the other replica gets a definite failure; it ran once', async () => {
    const [a, b] = (await startReplicas(2)) as [RunningServer, RunningServer];
    const clusterId = 'killed-executor';
    const token = await a.api.addCluster(clusterId);
    const kubectl = createFakeKubectl();
    const executor = await connectExecutor(a, { clusterId, token, kubectl, env: executorEnv });
    const marker = `pod-${randomUUID()}`;
    const waiting = run(b, clusterId, ['get', 'pods', 'fake-sleep-3', marker]);
    await eventually(() => (ranWith(kubectl, marker).length === 1 ? true : undefined));
    await executor.stop('SIGKILL');

    const answer = await waiting;
    expect(answer.status).toBe(200);
    const response = commandResponseSchema.parse(answer.body);
    expect(response.status).toBe('failed');
    expect(response.failure?.code).toBe('executor_error');
    expect(response.failure?.message).toMatch(/may or may not have run/);

    const restarted = await connectExecutor(a, { clusterId, token, kubectl, env: executorEnv });
    const after = `pod-${randomUUID()}`;
    expect(commandResponseSchema.parse((await run(b, clusterId, ['get', 'pods', after])).body).status).toBe(
      'succeeded',
    );
    expect(ranWith(kubectl, after)[0]?.ppid).toBe(restarted.pid);
    expect(ranWith(kubectl, marker)).toHaveLength(1);
  });

  it('replica holding the executor killed: the executor rejoins the other replica, its running and queued commands finish once', async () => {
    const [a, b] = (await startReplicas(2)) as [RunningServer, RunningServer];
    const clusterId = 'killed-replica';
    const token = await b.api.addCluster(clusterId);
    const kubectl = createFakeKubectl();
    const proxy = await startTcpProxy(Number(new URL(a.url).port));
    proxies.push(proxy);
    startExecutor({ apiUrl: proxy.url, clusterId, token, kubectl, env: executorEnv });
    await a.api.waitForExecutors(clusterId, 1);

    const running = `pod-${randomUUID()}`;
    const id = commandResponseSchema.parse(
      (await run(b, clusterId, ['get', 'pods', 'fake-sleep-2', running], '?wait=false')).body,
    ).id;
    await eventually(() => (ranWith(kubectl, running).length === 1 ? true : undefined));
    await a.process.stop('SIGKILL');
    const queued = `pod-${randomUUID()}`;
    const queuedAnswer = run(b, clusterId, ['get', 'pods', queued]);
    proxy.repoint(Number(new URL(b.url).port));

    expect(commandResponseSchema.parse((await queuedAnswer).body).status).toBe('succeeded');
    expect((await finalState(b, id)).status).toBe('succeeded');
    await pause(1000);
    expect(ranWith(kubectl, running)).toHaveLength(1);
    expect(ranWith(kubectl, queued)).toHaveLength(1);
  });

  it('replica and executor both gone: another replica fails the orphaned command definitely', async () => {
    const [a, b] = (await startReplicas(2)) as [RunningServer, RunningServer];
    const clusterId = 'orphaned';
    const token = await b.api.addCluster(clusterId);
    const kubectl = createFakeKubectl();
    const executor = await connectExecutor(a, { clusterId, token, kubectl, env: executorEnv });
    const marker = `pod-${randomUUID()}`;
    const id = commandResponseSchema.parse(
      (await run(b, clusterId, ['get', 'pods', 'fake-sleep-5', marker], '?wait=false')).body,
    ).id;
    await eventually(() => (ranWith(kubectl, marker).length === 1 ? true : undefined));
    await Promise.all([a.process.stop('SIGKILL'), executor.stop('SIGKILL')]);

    const final = await finalState(b, id);
    expect(final.status).toBe('failed');
    expect(final.failure?.code).toBe('executor_error');
    expect(ranWith(kubectl, marker)).toHaveLength(1);
  });

  it('Redis unreachable at start: the replica exits naming KUBENTLY_REDIS_URL', async () => {
    const redis = await createPrivateRedis(); // never started: its port is closed
    const replica = spawnNode(serverMain, {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      KUBENTLY_PORT: '0',
      KUBENTLY_REDIS_URL: redis.url,
    });
    expect(await replica.exited).not.toBe(0);
    expect(replica.output()).toContain('KUBENTLY_REDIS_URL');
    expect(replica.output()).toContain(`127.0.0.1:${redis.port}`);
  });

  it('Redis lost while running: readyz fails and commands get backend_unavailable; after the restart both work again', async () => {
    const redis = await createPrivateRedis();
    await redis.start();
    try {
      const [replica] = (await startReplicas(1, redis.url)) as [RunningServer];
      const clusterId = 'redis-restart';
      const token = await replica.api.addCluster(clusterId);
      const kubectl = createFakeKubectl();
      await connectExecutor(replica, { clusterId, token, kubectl, env: executorEnv });
      const before = `pod-${randomUUID()}`;
      expect(
        commandResponseSchema.parse((await run(replica, clusterId, ['get', 'pods', before])).body).status,
      ).toBe('succeeded');
      const inFlight = `pod-${randomUUID()}`;
      const inFlightAnswer = run(replica, clusterId, ['get', 'pods', 'fake-sleep-2', inFlight]);
      await eventually(() => (ranWith(kubectl, inFlight).length === 1 ? true : undefined));

      await redis.stop();
      expect((await replica.api.get('/readyz')).status).toBe(503);
      const down = await run(replica, clusterId, ['get', 'pods', `pod-${randomUUID()}`]);
      expect(down.status).toBe(503);
      expect(errorBodySchema.parse(down.body).error.code).toBe('backend_unavailable');

      await redis.start();
      await eventually(async () => ((await replica.api.get('/readyz')).status === 200 ? true : undefined));
      // The command in flight ends definitely: its result (the executor retries) or a definite error.
      const settled = await inFlightAnswer;
      if (settled.status === 200) expect(commandResponseSchema.parse(settled.body).status).toBe('succeeded');
      else
        expect(['backend_unavailable', 'command_timeout']).toContain(
          errorBodySchema.parse(settled.body).error.code,
        );
      expect(ranWith(kubectl, inFlight)).toHaveLength(1);

      const after = `pod-${randomUUID()}`;
      const recovered = await eventually(async () => {
        const answer = await run(replica, clusterId, ['get', 'pods', after]);
        return answer.status === 200 ? answer : undefined;
      });
      expect(commandResponseSchema.parse(recovered.body).status).toBe('succeeded');
      expect(ranWith(kubectl, after)).toHaveLength(1);
    } finally {
      await stopAll();
      await redis.stop();
    }
  });
});
