import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';

import {
  attack,
  planted,
  plantedKubectl,
  plantedNamespace,
} from '../../../../test/fixtures/planted-cluster.js';
import { untrustedExposure } from '../../../../test/fixtures/untrusted-oracle.js';
import { createTestServer, keys } from '../support/test-server.js';
import type { FakeExecutor, TestServer } from '../support/test-server.js';

/**
 * `/mcp` through the real SDK client: whatever a workload or an executor writes reaches the client
 * (and so the client's model, which may read the text or the structured result) only inside intact
 * untrusted blocks.
 */
let server: TestServer;
const clients: Client[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await server.close();
});

const connect = async (): Promise<Client> => {
  const transport = new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), {
    fetch: (url, init) => Promise.resolve(server.app.request(String(url), init)),
    requestInit: { headers: { 'x-api-key': keys.operator } },
  });
  const client = new Client({ name: 'kubently-test', version: '1.0.0' });
  await client.connect(transport);
  clients.push(client);
  return client;
};

/** Everything the client got back, as a model could be shown it: the text and the structured result. */
const seen = (result: CallToolResult): string =>
  `${result.content.map((block) => (block.type === 'text' ? block.text : '')).join('\n')}\n${JSON.stringify(result.structuredContent ?? {})}`;

const expectQuoted = (result: CallToolResult, minimum: number): void => {
  const exposure = untrustedExposure(seen(result), planted);
  expect(exposure.problems).toEqual([]);
  expect(exposure.outside).toBe(0);
  expect(exposure.inside).toBeGreaterThanOrEqual(minimum);
};

/** Answers every collector command from the planted cluster until stopped. */
const answerCollector = (executor: FakeExecutor) => {
  const stop = new AbortController();
  const done = (async () => {
    while (!stop.signal.aborted) {
      const command = await executor.nextCommand(10_000).catch(() => null);
      if (command === null) continue;
      const stdout = plantedKubectl(command.args);
      await executor.postResult(
        command.id,
        stdout === null
          ? { exitCode: 1, stdout: '', stderr: "error: the server doesn't have a resource type" }
          : { stdout },
      );
    }
  })();
  return async (): Promise<void> => {
    stop.abort();
    await executor.disconnect();
    await done;
  };
};

describe('/mcp quotes what the cluster wrote', { timeout: 60_000 }, () => {
  it('in execute_kubectl and get_command_result: stdout, stderr and executor failure messages', async () => {
    server = createTestServer();
    const executor = await server.connectExecutor(await server.createCluster('prod'));
    const client = await connect();

    const logs = client.callTool({
      name: 'execute_kubectl',
      arguments: { clusterId: 'prod', args: ['logs', 'api-1'], namespace: plantedNamespace },
    });
    const first = await executor.nextCommand();
    await executor.postResult(first.id, {
      exitCode: 1,
      stdout: `starting\n${attack('log line')}\n`,
      stderr: `Error from server (NotFound): pods "${attack('object name')}" not found\n`,
    });
    const logged = await logs;
    expect(logged.isError).toBe(true);
    expectQuoted(logged, 4);

    const started = await client.callTool({
      name: 'execute_kubectl',
      arguments: { clusterId: 'prod', args: ['get', 'nodes'], wait: false },
    });
    const { commandId } = started.structuredContent as { commandId: string };
    const second = await executor.nextCommand();
    await executor.postResult(second.id, {
      exitCode: 1,
      stdout: '',
      stderr: attack('executor stderr'),
      failure: { code: 'executor_error', message: attack('executor message') },
    });
    const read = await client.callTool({
      name: 'get_command_result',
      arguments: { commandId },
    });
    expect(read.isError).toBe(true);
    expect(seen(read)).toContain('executor message');
    expectQuoted(read, 2);
  });

  it('in diagnose_cluster and ask_kubently: termination messages, probe bodies, events, annotations', async () => {
    server = createTestServer();
    const executor = await server.connectExecutor(await server.createCluster('prod'));
    const client = await connect();
    const stop = answerCollector(executor);
    try {
      const diagnosed = await client.callTool({
        name: 'diagnose_cluster',
        arguments: { clusterId: 'prod', namespaces: [plantedNamespace] },
      });
      expect(diagnosed.isError).toBeFalsy();
      for (const where of ['termination message', 'probe body', 'annotation'])
        expect(seen(diagnosed)).toContain(where);
      expectQuoted(diagnosed, 6);

      const asked = await client.callTool({
        name: 'ask_kubently',
        arguments: { question: 'why is the shop down?', clusterId: 'prod', namespace: plantedNamespace },
      });
      expect(asked.isError).toBeFalsy();
      expect(asked.structuredContent).toMatchObject({ mode: 'engine' });
      for (const where of ['termination message', 'probe body', 'annotation'])
        expect(seen(asked)).toContain(where);
      expectQuoted(asked, 2);
    } finally {
      await stop();
    }
  });

  it('in a diagnosis failure that quotes kubectl', async () => {
    server = createTestServer();
    const executor = await server.connectExecutor(await server.createCluster('prod'));
    const client = await connect();
    const stop = new AbortController();
    const answering = (async () => {
      while (!stop.signal.aborted) {
        const command = await executor.nextCommand(10_000).catch(() => null);
        if (command === null) continue;
        await executor.postResult(command.id, {
          exitCode: 1,
          stdout: '',
          stderr: `Unable to connect to the server: ${attack('apiserver error')}`,
        });
      }
    })();
    try {
      const failed = await client.callTool({
        name: 'diagnose_cluster',
        arguments: { clusterId: 'prod' },
      });
      expect(failed.isError).toBe(true);
      expect(seen(failed)).toMatch(/^cluster_unreachable|^[a-z_]+: /);
      expectQuoted(failed, 1);
    } finally {
      stop.abort();
      await answering;
    }
  });
});
