import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { run } from '@kubently/cli';
import { buildExecutorConfig, start as startExecutor } from '@kubently/executor';
import type { RunningExecutor } from '@kubently/executor';
import {
  commandResponseSchema,
  fanOutCommandResponseSchema,
  fanOutDiagnoseResponseSchema,
  issuedKeySchema,
} from '@kubently/protocol';
import { createConfig, defaultCallbackConfig, start } from '@kubently/server';
import type { RunningServer } from '@kubently/server';

import { createTestIo } from '../../apps/cli/test/support/test-io.js';
import { startCallbackReceiver } from '../../apps/server/test/support/callback-receiver.js';
import type { CallbackReceiver } from '../../apps/server/test/support/callback-receiver.js';
import { createFakeKubectl } from '../fixtures/fake-kubectl.js';
import { Api, adminKey } from './support/kubently.js';

/**
 * Issue #17 items 6-7 over real sockets: a real server, two real executors (kubectl is the lists
 * test double), a third cluster registered with no executor, a key scoped to one cluster, a real
 * callback receiver verifying signatures, and the CLI's `exec --all` / `diagnose --all`.
 */
const secret = `cb-${'0123456789abcdef'.repeat(3)}`;
const [alpha, bravo, charlie] = ['fan-alpha', 'fan-bravo', 'fan-charlie'] as const;

describe('fan-out and async callbacks with several executors', { timeout: 120_000 }, () => {
  let server: RunningServer;
  let api: Api;
  let scopedKey = '';
  let receiver: CallbackReceiver;
  const executors: RunningExecutor[] = [];

  beforeAll(async () => {
    server = await start(
      createConfig({
        host: '127.0.0.1',
        port: 0,
        logLevel: 'silent',
        apiKeys: [{ identity: 'root', key: adminKey, role: 'admin' }],
        callbacks: { ...defaultCallbackConfig, secret, allowHttp: true, allowPrivateNetworks: true },
      }),
      { logger: pino({ level: 'silent' }), model: null },
    );
    api = new Api(server.url, adminKey);
    receiver = await startCallbackReceiver({ secret, now: Date.now });
    const kubectl = createFakeKubectl('fake-kubectl-lists.mjs');
    const home = mkdtempSync(join(tmpdir(), 'kubently-fan-out-'));
    for (const id of [alpha, bravo]) {
      const token = await api.addCluster(id);
      executors.push(
        await startExecutor(
          buildExecutorConfig(
            // The kubectl double serves lists, not the API: diagnoses go through kubectl, as for
            // an executor without the read path.
            {
              apiUrl: server.url,
              clusterId: id,
              token,
              kubectl: kubectl.path,
              logLevel: 'silent',
              readPath: false,
            },
            { PATH: process.env['PATH'] ?? '', HOME: home },
          ),
        ),
      );
      await api.waitForExecutors(id);
    }
    await api.addCluster(charlie);
    const issued = await api.post('/v1/keys', {
      identity: 'fan-scoped',
      role: 'operator',
      clusters: [alpha],
    });
    scopedKey = issuedKeySchema.parse(issued.body).key;
  });

  afterAll(async () => {
    await Promise.all(executors.map((executor) => executor.close()));
    await server.close();
    await receiver.close();
  });

  it('POST /v1/commands "all": each connected cluster runs it, the one without an executor is reported', async () => {
    const answer = await api.post('/v1/commands', { clusterIds: 'all', args: ['get', 'pods'] });
    expect(answer.status).toBe(200);
    const body = fanOutCommandResponseSchema.parse(answer.body);
    expect(body.summary).toEqual({ clusters: 3, ok: 2, errors: 1 });
    expect(body.results.map((entry) => [entry.clusterId, entry.status])).toEqual([
      [alpha, 'ok'],
      [bravo, 'ok'],
      [charlie, 'error'],
    ]);
    for (const entry of body.results.slice(0, 2)) {
      expect(entry).toMatchObject({
        status: 'ok',
        result: { status: 'succeeded', stdout: '{"argv":["get","pods"]}\n' },
      });
    }
    expect(body.results[2]).toMatchObject({ error: { code: 'executor_unavailable' } });
  });

  it('with a callbackUrl: 202 with queued commands, then one signed delivery per cluster, each also readable by id', async () => {
    const before = receiver.received.length;
    const answer = await api.post('/v1/commands', {
      clusterIds: [alpha, bravo],
      args: ['get', 'pods', '-n', 'shop'],
      callbackUrl: `${receiver.url}/fan-out`,
    });
    expect(answer.status).toBe(202);
    const body = fanOutCommandResponseSchema.parse(answer.body);
    const ids = body.results.map((entry) => (entry.status === 'ok' ? entry.result.id : ''));
    await Promise.all([receiver.nth(before + 1), receiver.nth(before + 2)]);
    const deliveries = receiver.received.slice(before);
    expect(deliveries.every((delivery) => delivery.verified)).toBe(true);
    const delivered = deliveries.map((delivery) => commandResponseSchema.parse(JSON.parse(delivery.body)));
    expect(delivered.map((command) => command.id).sort()).toEqual([...ids].sort());
    expect(delivered.map((command) => command.clusterId).sort()).toEqual([alpha, bravo]);
    for (const delivery of deliveries) {
      const id = commandResponseSchema.parse(JSON.parse(delivery.body)).id;
      const fetched = await fetch(`${server.url}/v1/commands/${id}`, { headers: { 'x-api-key': adminKey } });
      expect(await fetched.text()).toBe(delivery.body);
    }
  });

  it('POST /v1/diagnose "all": a report per connected cluster; the scoped key sees only its cluster', async () => {
    const answer = await api.post('/v1/diagnose', { clusterIds: 'all', namespaces: ['shop'] });
    expect(answer.status).toBe(200);
    const body = fanOutDiagnoseResponseSchema.parse(answer.body);
    expect(body.summary).toEqual({ clusters: 3, ok: 2, errors: 1 });
    for (const entry of body.results.slice(0, 2)) {
      if (entry.status !== 'ok') throw new Error(`expected a report: ${JSON.stringify(entry)}`);
      expect(entry.result.clusterId).toBe(entry.clusterId);
      expect(entry.result.findings.map((finding) => finding.resource.name)).toContain('checkout-7d9');
    }
    const scoped = await api.withKey(scopedKey).post('/v1/diagnose', { clusterIds: 'all' });
    const scopedBody = fanOutDiagnoseResponseSchema.parse(scoped.body);
    expect(scopedBody.results.map((entry) => entry.clusterId)).toEqual([alpha]);
  });

  /** Connection flags go right after the command name: after `--` everything is kubectl's. */
  const cli = async (key: string, command: string, ...argv: string[]) => {
    const io = createTestIo({ env: { HOME: mkdtempSync(join(tmpdir(), 'kubently-fan-cli-')) } });
    const code = await run([command, '--api-url', server.url, '--api-key', key, ...argv], io);
    return { code, out: io.out(), err: io.err() };
  };

  it('kubently exec --all prints one section per cluster and exits 1 because one cluster had no executor', async () => {
    const result = await cli(adminKey, 'exec', '--all', '-n', 'shop', '--', 'get', 'pods');
    expect(result.out).toBe(
      [
        `==> ${alpha} <==`,
        '{"argv":["get","pods","--namespace=shop"]}',
        `==> ${bravo} <==`,
        '{"argv":["get","pods","--namespace=shop"]}',
        `==> ${charlie} <==`,
        '',
      ].join('\n'),
    );
    expect(result.err).toContain(
      `kubently: ${charlie}: executor_unavailable: no executor of cluster "${charlie}"`,
    );
    expect(result.err).toContain('kubently: 2 of 3 cluster(s) answered, 1 without a result');
    expect(result.code).toBe(1);
  });

  it('kubently exec --all with a key scoped to one cluster runs only there and exits 0', async () => {
    const result = await cli(scopedKey, 'exec', '--all', '--', 'get', 'pods');
    expect(result.out).toBe(`==> ${alpha} <==\n{"argv":["get","pods"]}\n`);
    expect(result.code).toBe(0);
  });

  it('kubently diagnose --all: sections per cluster, JSON as the server answers it, --fail-on across clusters', async () => {
    const table = await cli(adminKey, 'diagnose', '--all', '-n', 'shop');
    expect(table.out).toContain(`==> ${alpha} <==`);
    expect(table.out).toContain(`==> ${bravo} <==`);
    expect(table.out).toContain('checkout-7d9');
    expect(table.err).toContain(`kubently: ${charlie}: executor_unavailable`);
    expect(table.err).toContain('kubently: diagnosed 2 of 3 cluster(s), 1 not diagnosed');
    expect(table.code).toBe(1);

    const json = await cli(
      scopedKey,
      'diagnose',
      '--all',
      '-n',
      'shop',
      '-o',
      'json',
      '--fail-on',
      'warning',
    );
    const body = fanOutDiagnoseResponseSchema.parse(JSON.parse(json.out));
    expect(body.results.map((entry) => entry.clusterId)).toEqual([alpha]);
    expect(json.code).toBe(8);
  });

  it('refuses --all together with a cluster or local mode', async () => {
    const result = await cli(adminKey, 'diagnose', '--all', alpha);
    expect(result.code).toBe(2);
    expect(result.err).toContain('--all diagnoses every cluster on the server');
  });
});
