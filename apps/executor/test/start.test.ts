import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Command, CommandResult, ExecutorCapabilities } from '@kubently/protocol';
import { afterEach, describe, expect, it } from 'vitest';

import { buildExecutorConfig } from '../src/config.js';
import { start } from '../src/start.js';
import type { RunningExecutor } from '../src/start.js';
import { createFakeKubectl } from '../../../test/fixtures/fake-kubectl.js';
import { Scrape } from '../../../test/support/prometheus-text.js';
import { silentLogger } from './support/silent-logger.js';
import { StubServer } from './support/stub-server.js';

function command(id: string, args: string[]): Command {
  return {
    id,
    clusterId: 'prod',
    args,
    timeoutSeconds: 10,
    correlationId: 'c',
    issuedAt: new Date().toISOString(),
  };
}

describe('start (executor against a stub server)', () => {
  let stub: StubServer;
  let executor: RunningExecutor | undefined;
  afterEach(async () => {
    await executor?.close();
    await stub.close();
  });

  for (const transport of ['sse', 'poll'] as const) {
    it(`${transport}: reports capabilities, runs a command and retries the result until acked`, async () => {
      stub = new StubServer();
      await stub.listen();
      stub.resultStatuses.push(503, 502);
      const kubectl = createFakeKubectl();
      const config = buildExecutorConfig(
        {
          apiUrl: stub.url,
          clusterId: 'prod',
          token: 'secret-token',
          kubectl: kubectl.path,
          transport,
          healthPort: 0,
          pollWaitSeconds: 1,
        },
        { PATH: process.env.PATH, KUBENTLY_TOKEN: 'secret-token' },
      );
      executor = await start(config, { logger: silentLogger, sleep: () => Promise.resolve() });

      // Reported at once, then again with the API server check's outcome (version, RBAC).
      const [capabilities] = await stub.waitFor(
        (r) =>
          r.path === '/v1/executor/capabilities' &&
          (r.body as Partial<ExecutorCapabilities>).apiServer !== undefined,
      );
      expect(capabilities?.body).toMatchObject({
        executorId: executor.executorId,
        mode: 'readOnly',
        kubectlVersion: 'v1.31.0-fake',
        kubernetesVersion: 'v1.31.0-fake-server',
        transport,
        maxConcurrency: 4,
      } satisfies Partial<ExecutorCapabilities>);
      expect(capabilities?.headers['x-executor-id']).toBe(executor.executorId);

      stub.send(command('c-1', ['get', 'pods']));
      const posts = await stub.waitFor((r) => r.path === '/v1/executor/results', 3);
      expect(posts.map((p) => (p.body as CommandResult).commandId)).toEqual(['c-1', 'c-1', 'c-1']);
      expect(posts[2]?.body).toMatchObject({ exitCode: 0, executorId: executor.executorId });
      const invocation = kubectl.invocations().find((i) => i.argv[0] === 'get');
      expect(invocation?.envKeys).not.toContain('KUBENTLY_TOKEN');

      const health = (await (await fetch(`${executor.healthUrl ?? ''}/healthz`)).json()) as {
        status: string;
      };
      expect(health.status).toBe('ok');
      const metrics = await Scrape.parse(await (await fetch(`${executor.healthUrl ?? ''}/metrics`)).text());
      expect(
        metrics.value('kubently_executor_commands_total', { outcome: 'succeeded', cluster: 'prod' }),
      ).toBe(1);
      expect(metrics.value('kubently_executor_connected')).toBe(1);
    });
  }

  for (const transport of ['sse', 'poll'] as const) {
    it(`${transport}: reports its policy extras, retrying while the server has not recorded its link (409)`, async () => {
      stub = new StubServer();
      await stub.listen();
      stub.capabilityStatuses.push(409, 409);
      const dir = mkdtempSync(join(tmpdir(), 'kubently-policy-'));
      const policyFile = join(dir, 'policy.json');
      writeFileSync(
        policyFile,
        JSON.stringify({
          mode: 'extendedReadOnly',
          extraVerbs: ['rollout restart'],
          extraFlags: ['--chunk_size'],
          restrictedResources: ['ConfigMaps'],
        }),
      );
      const config = buildExecutorConfig(
        {
          apiUrl: stub.url,
          clusterId: 'prod',
          token: 'secret-token',
          kubectl: createFakeKubectl().path,
          transport,
          policyFile,
          pollWaitSeconds: 1,
        },
        { PATH: process.env.PATH },
      );
      executor = await start(config, { logger: silentLogger, sleep: () => Promise.resolve() });
      const reports = await stub.waitFor((r) => r.path === '/v1/executor/capabilities', 3);
      for (const posted of reports) {
        expect(posted.body).toMatchObject({
          executorId: executor.executorId,
          mode: 'extendedReadOnly',
          policy: {
            extraVerbs: ['rollout restart'],
            extraFlags: ['--chunk-size'],
            restrictedResources: ['configmaps'],
          },
        } satisfies Partial<ExecutorCapabilities>);
      }
      expect(stub.capabilityStatuses).toEqual([]);
    });
  }

  it('stops retrying a result the server does not know (404)', async () => {
    stub = new StubServer();
    await stub.listen();
    stub.resultStatuses.push(404);
    const kubectl = createFakeKubectl();
    executor = await start(
      buildExecutorConfig({ apiUrl: stub.url, clusterId: 'prod', token: 't', kubectl: kubectl.path }, {}),
      { logger: silentLogger, sleep: () => Promise.resolve() },
    );
    await stub.waitFor((r) => r.path === '/v1/executor/stream');
    stub.send(command('gone', ['get', 'pods']));
    stub.send(command('next', ['get', 'nodes']));
    const posts = await stub.waitFor((r) => r.path === '/v1/executor/results', 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const ids = stub.requests
      .filter((r) => r.path === '/v1/executor/results')
      .map((r) => (r.body as CommandResult).commandId);
    expect(ids.sort()).toEqual(['gone', 'next']);
    expect(posts).toHaveLength(2);
  });
});
