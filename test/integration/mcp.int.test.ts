import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

import { auditListSchema } from '@kubently/protocol';

import { createFakeKubectl } from '../fixtures/fake-kubectl.js';
import type { FakeKubectl } from '../fixtures/fake-kubectl.js';
import { adminKey, connectExecutor, startServer, viewerKey } from './support/kubently.js';
import type { RunningServer } from './support/kubently.js';
import { stopAll } from './support/processes.js';

const cliBin = fileURLToPath(new URL('../../apps/cli/bin/kubently.js', import.meta.url));

let server: RunningServer;
let kubectl: FakeKubectl;
const clients: Client[] = [];

beforeAll(async () => {
  kubectl = createFakeKubectl();
  server = await startServer();
  const token = await server.api.addCluster('prod');
  await connectExecutor(server, { clusterId: 'prod', token, kubectl });
});

afterAll(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await stopAll();
});

const text = (result: CallToolResult): string =>
  result.content.map((block) => (block.type === 'text' ? block.text : '')).join('');

const call = async (client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> =>
  await client.callTool({ name, arguments: args });

const httpClient = async (key: string, mode: 'auto' | 'legacy' = 'auto'): Promise<Client> => {
  const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
    requestInit: { headers: { 'x-api-key': key } },
  });
  const client = new Client({ name: 'kubently-int', version: '1.0.0' }, { versionNegotiation: { mode } });
  await client.connect(transport);
  clients.push(client);
  return client;
};

describe('MCP over Streamable HTTP on a real port', () => {
  it('lists every tool the server offers with annotations and both schemas', async () => {
    const client = await httpClient(adminKey);
    expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    const { tools } = await client.listTools();
    const names = tools.map((tool) => tool.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'list_clusters',
        'create_debug_session',
        'execute_kubectl',
        'get_command_result',
        'close_session',
        'ask_kubently',
      ]),
    );
    for (const tool of tools) {
      expect(tool.annotations?.readOnlyHint).toBe(true);
      expect(tool.annotations?.destructiveHint).toBe(false);
      expect(tool.outputSchema).toBeDefined();
      expect(tool.description).not.toBe('');
    }
  });

  it('relays execute_kubectl through the executor and audits it as the caller with source mcp', async () => {
    const client = await httpClient(adminKey);
    const session = (await call(client, 'create_debug_session', { clusterId: 'prod' })).structuredContent as {
      id: string;
    };
    const result = await call(client, 'execute_kubectl', {
      clusterId: 'prod',
      args: ['get', 'pods'],
      namespace: 'web',
      sessionId: session.id,
    });
    expect(result.isError).toBe(false);
    expect(result.structuredContent).toMatchObject({ status: 'succeeded', exitCode: 0 });
    // The fake kubectl echoes its argv: the real executor ran it with the namespace applied.
    expect((result.structuredContent as { stdout: string }).stdout).toContain(
      '"argv":["get","pods","--namespace=web"]',
    );
    expect(kubectl.invocations().some((run) => run.argv.join(' ') === 'get pods --namespace=web')).toBe(true);
    const audit = auditListSchema.parse((await server.api.get('/v1/audit?clusterId=prod')).body);
    expect(audit.records[0]).toMatchObject({
      identity: 'admin',
      source: 'mcp',
      sessionId: session.id,
      outcome: 'succeeded',
    });
    const closed = await call(client, 'close_session', { sessionId: session.id });
    expect(closed.structuredContent).toEqual({ sessionId: session.id, closed: true });
  });

  it('answers a denied command with isError naming the reason; nothing reaches kubectl', async () => {
    const client = await httpClient(adminKey);
    const before = kubectl.invocations().length;
    const result = await call(client, 'execute_kubectl', {
      clusterId: 'prod',
      args: ['delete', 'namespace', 'web'],
    });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^policy_denied: /);
    expect(kubectl.invocations().length).toBe(before);
  });

  it('caps long output with an explicit marker and reads an async command with get_command_result', async () => {
    const client = await httpClient(adminKey);
    const long = await call(client, 'execute_kubectl', {
      clusterId: 'prod',
      args: ['get', 'fake-lots-200000'],
    });
    const stdout = (long.structuredContent as { stdout: string }).stdout;
    expect(stdout).toContain('[OUTPUT TRUNCATED: showing the first');
    expect(stdout.length).toBeLessThan(61_000);
    const started = await call(client, 'execute_kubectl', {
      clusterId: 'prod',
      args: ['get', 'fake-sleep-1'],
      wait: false,
    });
    const { commandId } = started.structuredContent as { commandId: string };
    // Someone else's command does not exist for a viewer; its owner reads it.
    const viewer = await httpClient(viewerKey);
    const hidden = await call(viewer, 'get_command_result', { commandId });
    expect(hidden.isError).toBe(true);
    expect(text(hidden)).toMatch(/^command_not_found: /);
    let status = 'queued';
    let read: CallToolResult | undefined;
    for (let attempt = 0; attempt < 100 && (status === 'queued' || status === 'running'); attempt += 1) {
      read = await call(client, 'get_command_result', { commandId });
      status = (read.structuredContent as { status: string }).status;
      if (status === 'queued' || status === 'running') await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe('succeeded');
    expect(text(read as CallToolResult)).toContain('fake-sleep-1');
  });

  it('refuses a wrong API key with 401 and a message naming X-API-Key', async () => {
    await expect(httpClient('not-a-valid-key-0000000000')).rejects.toThrow(/401|X-API-Key/);
    const response = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    expect(response.status).toBe(401);
    expect(await response.text()).toContain('X-API-Key');
  });

  it('serves a 2025-era client (initialize handshake) on the same endpoint', async () => {
    const client = await httpClient(viewerKey, 'legacy');
    expect(client.getNegotiatedProtocolVersion()).toBe('2025-11-25');
    const listed = await call(client, 'list_clusters', {});
    expect(listed.structuredContent).toMatchObject({ clusters: [{ id: 'prod', connected: true }] });
  });

  it('reports ask_kubently failing honestly when the engine cannot collect a snapshot', async () => {
    const client = await httpClient(adminKey);
    const result = await call(client, 'ask_kubently', { question: 'what is wrong?', clusterId: 'prod' });
    // No model: the engine answers from a snapshot, and this relay's fake kubectl answers lists with
    // its argv, not a List, so the collection fails; the tool says so as an error result, never a
    // made-up answer. (The engine's real answers: apps/server/test/http/mcp.test.ts, test/e2e.)
    expect(result.isError).toBe(true);
    // The message quotes the collector (kubectl's words from the cluster): it comes quoted.
    expect(text(result)).toMatch(
      /^not_available: the message below may quote the cluster\n<<<TOOL_OUTPUT untrusted cluster data>>>\nThe diagnosis failed/,
    );
  });
});

describe('kubently mcp over stdio against the server', () => {
  let configDir: string;
  beforeAll(() => {
    configDir = mkdtempSync(join(tmpdir(), 'kubently-mcp-'));
  });
  afterAll(() => {
    rmSync(configDir, { recursive: true, force: true });
  });

  const stdioClient = async (args: string[], mode: 'auto' | 'legacy'): Promise<Client> => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [cliBin, 'mcp', ...args],
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: configDir,
        KUBENTLY_CONFIG_DIR: configDir,
      },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'kubently-stdio', version: '1.0.0' }, { versionNegotiation: { mode } });
    await client.connect(transport);
    clients.push(client);
    return client;
  };

  it.each(['legacy', 'auto'] as const)('lists and calls the tools (%s negotiation)', async (mode) => {
    const client = await stdioClient(['--api-url', server.url, '--api-key', adminKey], mode);
    const names = (await client.listTools()).tools.map((tool) => tool.name).sort();
    expect(names).toEqual([
      'ask_kubently',
      'close_session',
      'create_debug_session',
      'diagnose_cluster',
      'execute_kubectl',
      'get_command_result',
      'list_clusters',
    ]);
    const clusters = await call(client, 'list_clusters', {});
    expect(clusters.structuredContent).toMatchObject({ clusters: [{ id: 'prod', connected: true }] });
    const ran = await call(client, 'execute_kubectl', { clusterId: 'prod', args: ['get', 'nodes'] });
    expect(ran.structuredContent).toMatchObject({ status: 'succeeded', exitCode: 0 });
    const denied = await call(client, 'execute_kubectl', { clusterId: 'prod', args: ['delete', 'pod', 'x'] });
    expect(denied.isError).toBe(true);
    expect(text(denied)).toMatch(/^policy_denied: /);
    const audit = auditListSchema.parse((await server.api.get('/v1/audit?clusterId=prod&limit=5')).body);
    // Over stdio the CLI calls REST with the user's key: audited as that identity, source rest.
    expect(audit.records[0]).toMatchObject({ identity: 'admin', decision: 'denied' });
  });

  it('relays ask_kubently to the server agent over A2A and returns what the HTTP tool returns', async () => {
    const stdio = await stdioClient(['--api-url', server.url, '--api-key', adminKey], 'legacy');
    const http = await httpClient(adminKey);
    const question = { question: 'what is wrong?', clusterId: 'prod' };
    const overStdio = await call(stdio, 'ask_kubently', question);
    const overHttp = await call(http, 'ask_kubently', question);
    expect(overStdio.isError).toBe(overHttp.isError);
    if (overHttp.isError === true) {
      expect(text(overStdio).split(':')[0]).toBe(text(overHttp).split(':')[0]);
    } else {
      expect(overStdio.structuredContent).toMatchObject({ mode: 'engine', stopReason: 'engine_only' });
      expect((overStdio.structuredContent as { conversationId: string }).conversationId).not.toBe('');
    }
  });

  it('diagnoses through the server with the same outcome as /mcp', async () => {
    const stdio = await stdioClient(['--api-url', server.url, '--api-key', adminKey], 'legacy');
    const http = await httpClient(adminKey);
    const overStdio = await call(stdio, 'diagnose_cluster', { clusterId: 'prod', namespaces: ['web'] });
    const overHttp = await call(http, 'diagnose_cluster', { clusterId: 'prod', namespaces: ['web'] });
    expect(overStdio.isError).toBe(overHttp.isError);
    if (overHttp.isError === true) expect(text(overStdio).split(':')[0]).toBe(text(overHttp).split(':')[0]);
    else expect(overStdio.structuredContent).toMatchObject({ clusterId: 'prod', namespaces: ['web'] });
  });

  it('reports a rejected key as an isError tool result naming the fix', async () => {
    const client = await stdioClient(
      ['--api-url', server.url, '--api-key', 'wrong-key-000000000000'],
      'legacy',
    );
    const result = await call(client, 'list_clusters', {});
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^unauthorized: the API key was rejected/);
  });
});
