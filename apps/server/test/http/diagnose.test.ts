import { afterEach, describe, expect, it } from 'vitest';

import { evaluate } from '@kubently/policy';
import { diagnoseResponseSchema } from '@kubently/protocol';
import type { AuditList, CommandResult, ErrorBody } from '@kubently/protocol';

import { createFakeClock } from '../support/fake-clock.js';
import { createFakeTimers } from '../support/fake-timers.js';
import { createTestServer } from '../support/test-server.js';
import type { FakeExecutor, TestServer } from '../support/test-server.js';

let server: TestServer;

afterEach(async () => {
  await server.close();
});

const crashLoopingPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'api-7d9f-x1', namespace: 'shop', uid: 'pod-1', labels: { app: 'api' } },
  spec: { containers: [{ name: 'api', image: 'shop/api:1.4' }] },
  status: {
    phase: 'Running',
    containerStatuses: [
      {
        name: 'api',
        ready: false,
        restartCount: 9,
        state: {
          waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=api' },
        },
        lastState: {
          terminated: { exitCode: 1, reason: 'Error', message: 'config file /etc/api.yaml not found' },
        },
      },
    ],
  },
};

const list = (items: unknown[]): string => JSON.stringify({ apiVersion: 'v1', kind: 'List', items });

/** Answers every command of the diagnosis like a real executor: pods hold one crash-looping pod. */
const answer = (args: readonly string[]): Partial<CommandResult> => {
  if (args[1] === 'secrets')
    return {
      exitCode: 1,
      stdout: '',
      stderr:
        'Error from server (Forbidden): secrets is forbidden: User "system:serviceaccount:kubently:executor" cannot list resource "secrets" in API group "" at the cluster scope',
    };
  return { stdout: list(args[1] === 'pods' ? [crashLoopingPod] : []) };
};

/**
 * Serves commands until `done` settles; returns every argv received. `onCommand` runs as each
 * command arrives, before it is answered.
 */
const serve = async (
  executor: FakeExecutor,
  done: Promise<unknown>,
  onCommand: () => Promise<void> = () => Promise.resolve(),
): Promise<string[][]> => {
  const state = { finished: false };
  void done.finally(() => {
    state.finished = true;
  });
  const received: string[][] = [];
  while (!state.finished) {
    const command = await executor.nextCommand(200).catch(() => undefined);
    if (command === undefined) continue;
    received.push(command.args);
    await onCommand();
    await executor.postResult(command.id, answer(command.args));
  }
  return received;
};

const diagnose = (body?: unknown, as: 'operator' | 'viewer' | 'admin' = 'operator', cluster = 'prod') =>
  server.call('POST', `/v1/clusters/${cluster}/diagnose`, { as, ...(body === undefined ? {} : { body }) });

describe('POST /v1/clusters/:id/diagnose', { timeout: 30_000 }, () => {
  it('collects through the executor as the caller and answers root causes with the collection', async () => {
    server = createTestServer();
    const executor = await server.connectExecutor(await server.createCluster());
    const pending = diagnose();
    const received = await serve(executor, pending);
    const response = await pending;
    expect(response.status).toBe(200);
    const body = diagnoseResponseSchema.parse(await response.json());
    expect(body.clusterId).toBe('prod');
    expect(body.findings.map((finding) => [finding.rule, finding.resource.name])).toContainEqual([
      'container-crash-loop',
      'api-7d9f-x1',
    ]);
    expect(body.collection.missing).toEqual(['secrets']);
    expect(body.collection.warnings).toEqual([
      expect.objectContaining({ kind: 'secrets', problem: 'forbidden', kindKept: false }),
    ]);
    expect(body.collection.commands).toHaveLength(received.length);
    expect(received).toContainEqual(['get', 'pods', '-A', '-o', 'json']);
    for (const args of received) expect(evaluate(args).allowed, args.join(' ')).toBe(true);

    const correlationId = response.headers.get('x-correlation-id');
    const audit = (await (
      await server.call('GET', '/v1/audit?clusterId=prod&limit=100')
    ).json()) as AuditList;
    expect(audit.records).toHaveLength(received.length);
    for (const record of audit.records) {
      expect(record).toMatchObject({
        identity: 'oncall',
        role: 'operator',
        source: 'diagnosis',
        correlationId,
      });
    }
  });

  it('lists only the requested namespaces and filters by severity', async () => {
    server = createTestServer();
    const executor = await server.connectExecutor(await server.createCluster());
    const pending = diagnose({ namespaces: ['shop'], minSeverity: 'critical' }, 'admin');
    const received = await serve(executor, pending);
    const body = diagnoseResponseSchema.parse(await (await pending).json());
    // One command lists every namespaced kind of the namespace (pods among them).
    const inShop = received.filter((args) => args.includes('-n'));
    expect(inShop).toHaveLength(1);
    expect(inShop[0]?.slice(2)).toEqual(['-n', 'shop', '-o', 'json']);
    expect(inShop[0]?.[1]?.split(',')).toContain('pods');
    expect(received.some((args) => args.includes('-A'))).toBe(false);
    expect(body.namespaces).toEqual(['shop']);
    expect([...body.findings, ...body.symptoms].every((finding) => finding.severity === 'critical')).toBe(
      true,
    );
  });

  it('adds posture findings with include: ["posture"], ranked after every incident', async () => {
    server = createTestServer();
    const executor = await server.connectExecutor(await server.createCluster());
    const pending = diagnose({ include: ['posture'] });
    await serve(executor, pending);
    const body = diagnoseResponseSchema.parse(await (await pending).json());
    const categories = body.findings.map((finding) => finding.category);
    expect(categories[0]).toBe('incident');
    expect(body.findings).toContainEqual(
      expect.objectContaining({
        rule: 'posture-missing-limits',
        category: 'posture',
        severity: 'info',
        resource: { kind: 'Pod', namespace: 'shop', name: 'api-7d9f-x1' },
      }),
    );
    expect(categories.slice(categories.indexOf('posture')).every((category) => category === 'posture')).toBe(
      true,
    );
    expect(body.summary.posture).toBe(categories.filter((category) => category === 'posture').length);
  });

  it('refuses viewers like running a command, and sends nothing', async () => {
    server = createTestServer();
    await server.connectExecutor(await server.createCluster());
    const response = await diagnose({}, 'viewer');
    expect(response.status).toBe(403);
    expect(((await response.json()) as ErrorBody).error.code).toBe('forbidden');
  });

  it.each([
    [{ namespaces: [] }, /namespaces: namespaces must name at least one namespace/],
    [{ namespaces: ['Shop'] }, /namespaces\.0: namespace must be a DNS-1123 label/],
    [{ minSeverity: 'high' }, /minSeverity/],
    [{ include: ['security'] }, /include\.0/],
    [{ namespace: 'shop' }, /Unrecognized key.*namespace/],
  ])('rejects %j with a 400 naming the field', async (body, message) => {
    server = createTestServer();
    await server.createCluster();
    const response = await diagnose(body);
    expect(response.status).toBe(400);
    const error = ((await response.json()) as ErrorBody).error;
    expect(error.code).toBe('validation_failed');
    expect(error.message).toMatch(message);
  });

  it('answers 404 for an unknown cluster', async () => {
    server = createTestServer();
    const response = await diagnose({}, 'operator', 'nowhere');
    expect(response.status).toBe(404);
    expect(((await response.json()) as ErrorBody).error.code).toBe('cluster_not_found');
  });

  it('answers 503 executor_unavailable, naming the fix, when no executor is connected', async () => {
    server = createTestServer();
    await server.createCluster();
    const response = await diagnose();
    expect(response.status).toBe(503);
    const error = ((await response.json()) as ErrorBody).error;
    expect(error.code).toBe('executor_unavailable');
    expect(error.message).toMatch(/cannot diagnose cluster "prod".*kubently executor/);
    const audit = (await (await server.call('GET', '/v1/audit?clusterId=prod')).json()) as AuditList;
    expect(audit.records.length).toBeLessThanOrEqual(6);
  });

  describe('under the command limits', () => {
    /** The most commands of `identity` holding slots at once while the executor serves them. */
    const servePeak = async (executor: FakeExecutor, done: Promise<unknown>, identity = 'oncall') => {
      let peak = 0;
      const received = await serve(executor, done, async () => {
        peak = Math.max(peak, (await server.services.state.quotas.usage(identity)).inFlight);
      });
      return { received, peak };
    };

    it('a whole-cluster diagnosis runs under the default limits: at most 6 of its commands hold slots at once', async () => {
      server = createTestServer();
      const executor = await server.connectExecutor(await server.createCluster());
      const pending = diagnose();
      const { received, peak } = await servePeak(executor, pending);
      const response = await pending;
      expect(response.status).toBe(200);
      expect(diagnoseResponseSchema.parse(await response.json()).collection.missing).toEqual(['secrets']);
      expect(received.length).toBeGreaterThan(1);
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThanOrEqual(Math.min(6, server.services.config.maxCommandsInFlightPerIdentity));
      expect((await server.services.state.quotas.usage('oncall')).inFlight).toBe(0);
    });

    it('with an in-flight limit below its concurrency (2) it narrows to the limit and still lists every kind', async () => {
      server = createTestServer({ maxCommandsInFlightPerIdentity: 2 });
      const executor = await server.connectExecutor(await server.createCluster());
      const pending = diagnose();
      const { peak } = await servePeak(executor, pending);
      const response = await pending;
      expect(response.status).toBe(200);
      expect(diagnoseResponseSchema.parse(await response.json()).collection.missing).toEqual(['secrets']);
      expect(peak).toBeLessThanOrEqual(2);
    });

    it('a caller whose slots are all taken gets 429 rate_limited with Retry-After, never a snapshot with holes', async () => {
      const clock = createFakeClock();
      server = createTestServer(
        { maxCommandsInFlightPerIdentity: 2 },
        { clock, timers: createFakeTimers(clock) },
      );
      await server.connectExecutor(await server.createCluster('prod'));
      await server.createCluster('staging');
      for (let index = 0; index < 2; index += 1) {
        const queued = await server.call('POST', '/v1/commands?wait=false', {
          as: 'operator',
          body: { clusterId: 'staging', args: ['get', 'pods'] },
        });
        expect(queued.status).toBe(202);
      }
      const response = await diagnose();
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('5');
      const error = ((await response.json()) as ErrorBody).error;
      expect(error).toMatchObject({
        code: 'rate_limited',
        details: { limit: 'commands-in-flight-per-identity', max: 2, current: 2 },
      });
      expect(error.message).toContain('KUBENTLY_MAX_COMMANDS_IN_FLIGHT_PER_IDENTITY');
      expect(await server.services.state.queue.depth('prod')).toEqual({ queued: 0, pending: 0 });
    });
  });
});
