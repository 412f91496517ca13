import { afterEach, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { CallToolResult } from '@modelcontextprotocol/client';

import { diagnoseClusterOutputSchema, wrapUntrusted } from '@kubently/protocol';
import type { AuditList } from '@kubently/protocol';

import { scriptedModel } from '../../../../packages/agent/test/support/scripted-model.js';
import { createTestServer, keys } from '../support/test-server.js';
import type { KeyName, TestServer } from '../support/test-server.js';

let server: TestServer;
const clients: Client[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await server.close();
});

/** The real SDK client, talking to the app in-process (no socket) with one API key. */
const connect = async (
  as: KeyName | null,
  options: { mode?: 'auto' | 'legacy'; headers?: Record<string, string> } = {},
): Promise<Client> => {
  const headers: Record<string, string> = { ...options.headers };
  if (as !== null) headers['x-api-key'] = keys[as];
  const transport = new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), {
    fetch: (url, init) => Promise.resolve(server.app.request(String(url), init)),
    requestInit: { headers },
  });
  const client = new Client(
    { name: 'kubently-test', version: '1.0.0' },
    { versionNegotiation: { mode: options.mode ?? 'auto' } },
  );
  await client.connect(transport);
  clients.push(client);
  return client;
};

const call = async (client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> =>
  await client.callTool({ name, arguments: args });

const text = (result: CallToolResult): string =>
  result.content.map((block) => (block.type === 'text' ? block.text : '')).join('');

describe('/mcp (in-process)', { timeout: 30_000 }, () => {
  it('lists the tools an admin may use, with annotations and input/output schemas', async () => {
    server = createTestServer();
    const client = await connect('admin');
    expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    const { tools } = await client.listTools();
    const names = tools.map((tool) => tool.name).sort();
    expect(names).toEqual([
      'ask_kubently',
      'close_session',
      'create_debug_session',
      'diagnose_cluster',
      'execute_kubectl',
      'get_command_result',
      'list_clusters',
    ]);
    for (const tool of tools) {
      expect(tool.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type).toBe('object');
    }
    const execute = tools.find((tool) => tool.name === 'execute_kubectl');
    expect(execute?.annotations).toMatchObject({ idempotentHint: true, openWorldHint: true });
    expect(execute?.inputSchema.required).toEqual(['clusterId', 'args']);
  });

  it('offers a viewer only the reading tools', async () => {
    server = createTestServer();
    const client = await connect('viewer');
    const names = (await client.listTools()).tools.map((tool) => tool.name).sort();
    expect(names).toEqual(['get_command_result', 'list_clusters']);
  });

  it('answers 401 with a JSON-RPC error naming the header without an API key', async () => {
    server = createTestServer();
    await expect(connect(null)).rejects.toThrow(/401|X-API-Key/);
    const response = await server.app.request('http://localhost/mcp', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({
      jsonrpc: '2.0',
      error: { code: -32001, message: expect.stringContaining('X-API-Key') as unknown },
    });
  });

  it('refuses a foreign Host or Origin on a loopback bind (DNS rebinding)', async () => {
    server = createTestServer();
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
    const init = (extra: Record<string, string>) => ({
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'x-api-key': keys.admin,
        ...extra,
      },
      body,
    });
    expect((await server.app.request('http://evil.example/mcp', init({}))).status).toBe(403);
    const origin = await server.app.request('http://localhost/mcp', init({ origin: 'http://evil.example' }));
    expect(origin.status).toBe(403);
  });

  it('lists clusters and opens and closes a session as the caller', async () => {
    server = createTestServer();
    await server.createCluster('prod');
    const client = await connect('operator');
    const listed = await client.callTool({ name: 'list_clusters', arguments: {} });
    expect(listed.isError).toBeFalsy();
    expect(listed.structuredContent).toMatchObject({ clusters: [{ id: 'prod', connected: false }] });
    expect(text(listed)).toContain('prod: no executor connected');

    const opened = await client.callTool({
      name: 'create_debug_session',
      arguments: { clusterId: 'prod', ttlSeconds: 60 },
    });
    const session = opened.structuredContent as { id: string; identity: string };
    expect(session.identity).toBe('oncall');
    const closed = await client.callTool({
      name: 'close_session',
      arguments: { sessionId: session.id },
    });
    expect(closed.structuredContent).toEqual({ sessionId: session.id, closed: true });
    const again = await client.callTool({
      name: 'close_session',
      arguments: { sessionId: session.id },
    });
    expect(again.isError).toBe(true);
    expect(text(again)).toMatch(/^session_not_found: /);
  });

  it('relays execute_kubectl to the executor, audited as the caller with source mcp', async () => {
    server = createTestServer();
    const executor = await server.connectExecutor(await server.createCluster('prod'));
    const client = await connect('operator');
    const pending = client.callTool({
      name: 'execute_kubectl',
      arguments: { clusterId: 'prod', args: ['get', 'pods'], namespace: 'web' },
    });
    const command = await executor.nextCommand();
    expect(command.args).toEqual(['get', 'pods', '--namespace=web']);
    await executor.postResult(command.id, { stdout: 'web-1   1/1   Running' });
    const result = await pending;
    expect(result.isError).toBe(false);
    expect(result.structuredContent).toMatchObject({
      commandId: command.id,
      status: 'succeeded',
      exitCode: 0,
      stdout: wrapUntrusted('web-1   1/1   Running'),
      truncated: false,
    });
    expect(text(result)).toContain('kubectl get pods --namespace=web');
    const audit = (await (await server.call('GET', '/v1/audit')).json()) as AuditList;
    expect(audit.records[0]).toMatchObject({ identity: 'oncall', source: 'mcp', outcome: 'succeeded' });
  });

  it('returns a policy denial as an isError result naming the reason, and audits it', async () => {
    server = createTestServer();
    const executor = await server.connectExecutor(await server.createCluster('prod'));
    const client = await connect('operator');
    const result = await client.callTool({
      name: 'execute_kubectl',
      arguments: { clusterId: 'prod', args: ['delete', 'pod', 'web-1'] },
    });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^policy_denied: .*delete/);
    await expect(executor.nextCommand(300)).rejects.toThrow();
    const audit = (await (await server.call('GET', '/v1/audit')).json()) as AuditList;
    expect(audit.records[0]).toMatchObject({ decision: 'denied', source: 'mcp', identity: 'oncall' });
  });

  it('reports a non-zero kubectl exit as isError with the output, and caps long output with a marker', async () => {
    server = createTestServer();
    const executor = await server.connectExecutor(await server.createCluster('prod'));
    const client = await connect('admin');
    const failing = client.callTool({
      name: 'execute_kubectl',
      arguments: { clusterId: 'prod', args: ['get', 'pod', 'missing'] },
    });
    const first = await executor.nextCommand();
    await executor.postResult(first.id, { exitCode: 1, stdout: '', stderr: 'Error from server (NotFound)' });
    const failed = await failing;
    expect(failed.isError).toBe(true);
    expect(failed.structuredContent).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(text(failed)).toContain('NotFound');

    const long = client.callTool({
      name: 'execute_kubectl',
      arguments: { clusterId: 'prod', args: ['get', 'pods', '-A'] },
    });
    const second = await executor.nextCommand();
    await executor.postResult(second.id, { stdout: 'pod-line\n'.repeat(10_000) });
    const capped = await long;
    const output = (capped.structuredContent as { stdout: string; truncated: boolean }).stdout;
    expect((capped.structuredContent as { truncated: boolean }).truncated).toBe(true);
    expect(output.length).toBeLessThan(61_000);
    expect(output).toMatch(/\[OUTPUT TRUNCATED: showing the first \d+ of 90000 characters/);
  });

  it('starts a command without waiting and reads it with get_command_result', async () => {
    server = createTestServer();
    const executor = await server.connectExecutor(await server.createCluster('prod'));
    const client = await connect('admin');
    const started = await client.callTool({
      name: 'execute_kubectl',
      arguments: { clusterId: 'prod', args: ['get', 'nodes'], wait: false },
    });
    const { commandId, status } = started.structuredContent as { commandId: string; status: string };
    expect(status).toBe('queued');
    expect(text(started)).toContain('get_command_result');
    const command = await executor.nextCommand();
    expect(command.id).toBe(commandId);
    await executor.postResult(command.id, { stdout: 'node-1 Ready' });
    const read = await client.callTool({
      name: 'get_command_result',
      arguments: { commandId },
    });
    expect(read.structuredContent).toMatchObject({
      status: 'succeeded',
      stdout: wrapUntrusted('node-1 Ready'),
    });
    const viewer = await connect('viewer');
    const unknown = await viewer.callTool({
      name: 'get_command_result',
      arguments: { commandId: 'no-such-command' },
    });
    expect(unknown.isError).toBe(true);
    expect(text(unknown)).toMatch(/^command_not_found: /);
  });

  it('diagnoses a cluster through the executor as the caller, and answers ask_kubently from the engine', async () => {
    server = createTestServer();
    const executor = await server.connectExecutor(await server.createCluster('prod'));
    const client = await connect('operator');
    const answering = new AbortController();
    const seen: string[][] = [];
    // The collector lists every kind with `kubectl get ... -o json`: answer each with an empty List.
    const answer = (async () => {
      while (!answering.signal.aborted) {
        const command = await executor.nextCommand(10_000).catch(() => null);
        if (command === null) continue;
        seen.push(command.args);
        await executor.postResult(command.id, { stdout: '{"apiVersion":"v1","kind":"List","items":[]}' });
      }
    })();
    const diagnosed = await call(client, 'diagnose_cluster', { clusterId: 'prod', namespaces: ['web'] });
    expect(diagnosed.isError).toBeFalsy();
    expect(diagnosed.structuredContent).toMatchObject({
      clusterId: 'prod',
      namespaces: ['web'],
      summary: { rootCauses: 0, symptoms: 0 },
      findings: [],
    });
    expect(text(diagnosed)).toContain('No problems found');
    expect(seen.some((args) => args[0] === 'get' && args.includes('-o') && args.includes('json'))).toBe(true);

    const asked = await call(client, 'ask_kubently', {
      question: 'anything wrong in web?',
      clusterId: 'prod',
    });
    answering.abort();
    await answer;
    expect(server.services.agent.hasDiagnose).toBe(true);
    expect(asked.isError).toBeFalsy();
    expect(asked.structuredContent).toMatchObject({ mode: 'engine', stopReason: 'engine_only', steps: 0 });
    const audit = (await (await server.call('GET', '/v1/audit?limit=1000')).json()) as AuditList;
    expect(audit.records.length).toBeGreaterThan(0);
    expect(audit.records.every((record) => record.identity === 'oncall')).toBe(true);
  });

  it('diagnose_cluster adds posture findings only with include: ["posture"], after the incidents', async () => {
    server = createTestServer();
    const executor = await server.connectExecutor(await server.createCluster('prod'));
    const client = await connect('operator');
    const answering = new AbortController();
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'app', namespace: 'web', uid: 'pod-1' },
      spec: { containers: [{ name: 'app', image: 'registry.example/app:latest' }] },
      status: { phase: 'Running' },
    };
    const answer = (async () => {
      while (!answering.signal.aborted) {
        const command = await executor.nextCommand(10_000).catch(() => null);
        if (command === null) continue;
        const items = command.args[1]?.split(',').includes('pods') === true ? [pod] : [];
        await executor.postResult(command.id, {
          stdout: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }),
        });
      }
    })();
    const plain = await call(client, 'diagnose_cluster', { clusterId: 'prod', namespaces: ['web'] });
    const withPosture = await call(client, 'diagnose_cluster', {
      clusterId: 'prod',
      namespaces: ['web'],
      include: ['posture'],
    });
    answering.abort();
    await answer;
    const rules = (result: typeof plain): string[] =>
      diagnoseClusterOutputSchema
        .parse(result.structuredContent)
        .findings.map((finding) => `${finding.category} ${finding.rule}`);
    expect(rules(plain)).toEqual([]);
    expect(rules(withPosture)).toEqual(
      expect.arrayContaining(['posture posture-mutable-image-tag', 'posture posture-missing-limits']),
    );
    expect(text(withPosture)).toContain('[posture info] Pod/web/app (posture-mutable-image-tag)');
  });

  it('withdraws an undelivered command when the client cancels the call', async () => {
    server = createTestServer({ executorGraceMs: 30_000 });
    await server.createCluster('prod');
    const client = await connect('operator');
    const controller = new AbortController();
    const pending = client.callTool(
      { name: 'execute_kubectl', arguments: { clusterId: 'prod', args: ['get', 'pods'] } },
      { signal: controller.signal },
    );
    let records: AuditList['records'] = [];
    await new Promise((resolve) => setTimeout(resolve, 200));
    controller.abort(new Error('user pressed stop'));
    await expect(pending).rejects.toThrow();
    for (let attempt = 0; attempt < 50 && records.length === 0; attempt += 1) {
      records = ((await (await server.call('GET', '/v1/audit')).json()) as AuditList).records;
      if (records.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(records[0]).toMatchObject({ source: 'mcp', outcome: 'failed', identity: 'oncall' });
  });

  it('rejects invalid arguments as an isError result naming the field', async () => {
    server = createTestServer();
    const client = await connect('admin');
    const result = await client.callTool({
      name: 'execute_kubectl',
      arguments: { clusterId: 'Not A Label', args: [] },
    });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/clusterId|args/);
  });

  it('asks the agent, streaming progress notifications for each tool call, then answers with usage', async () => {
    const { model } = scriptedModel([
      {
        toolCalls: [
          { id: 'c1', name: 'execute_kubectl', input: { clusterId: 'prod', args: ['get', 'pods'] } },
        ],
      },
      { text: 'Root cause: web-1 is fine.', usage: { input: 50, output: 7 } },
    ]);
    server = createTestServer({}, { model });
    const executor = await server.connectExecutor(await server.createCluster('prod'));
    const client = await connect('operator');
    const progress: string[] = [];
    const pending = client.callTool(
      { name: 'ask_kubently', arguments: { question: 'is web ok?', clusterId: 'prod' } },
      {
        onprogress: (update) => {
          progress.push(update.message ?? '');
        },
      },
    );
    const command = await executor.nextCommand();
    await executor.postResult(command.id, { stdout: 'web-1 Running' });
    const result = await pending;
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      answer: expect.stringContaining('Root cause') as unknown,
      mode: 'model',
      stopReason: 'answered',
      steps: 2,
    });
    expect(progress).toHaveLength(2);
    expect(progress[0]).toMatch(/^running execute_kubectl/);
    expect(progress[1]).toMatch(/^execute_kubectl: /);
    const audit = (await (await server.call('GET', '/v1/audit')).json()) as AuditList;
    expect(audit.records[0]).toMatchObject({ identity: 'oncall', source: 'mcp' });
  });

  it.each(['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25'])(
    'serves a 2025-era client speaking %s (initialize handshake, answered statelessly)',
    async (version) => {
      server = createTestServer();
      await server.createCluster('prod');
      const transport = new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), {
        fetch: (url, init) => Promise.resolve(server.app.request(String(url), init)),
        requestInit: { headers: { 'x-api-key': keys.viewer } },
      });
      const client = new Client(
        { name: 'old-client', version: '0.1.0' },
        { versionNegotiation: { mode: 'legacy' }, supportedProtocolVersions: [version] },
      );
      await client.connect(transport);
      clients.push(client);
      expect(client.getNegotiatedProtocolVersion()).toBe(version);
      const listed = await client.callTool({ name: 'list_clusters', arguments: {} });
      expect(listed.structuredContent).toMatchObject({ clusters: [{ id: 'prod' }] });
    },
  );
});
