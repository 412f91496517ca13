import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/client';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

const cliBin = fileURLToPath(new URL('../../apps/cli/bin/kubently.js', import.meta.url));
// kubectl test doubles: the CLI's tiny cluster (one crash-looping pod in "shop") for lists, and the
// relay's fake for `get secret NAME`, which prints a real-shaped Secret with data values.
const fakeCluster = fileURLToPath(
  new URL('../../apps/cli/test/fixtures/fake-kubectl-cluster.mjs', import.meta.url),
);
const fakeSecret = fileURLToPath(new URL('../fixtures/fake-kubectl.mjs', import.meta.url));

let dir: string;
let kubeconfig: string;
let log: string;
let client: Client;

interface Invocation {
  readonly argv: string[];
  readonly envKeys: string[];
}
const invocations = (): Invocation[] =>
  readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Invocation);

const call = async (name: string, args: Record<string, unknown>): Promise<CallToolResult> =>
  await client.callTool({ name, arguments: args });
const text = (result: CallToolResult): string =>
  result.content.map((block) => (block.type === 'text' ? block.text : '')).join('');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubently-mcp-local-'));
  kubeconfig = join(dir, 'kubeconfig');
  log = join(dir, 'kubectl.jsonl');
  writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\n');
  writeFileSync(log, '');
  const fakeKubectl = join(dir, 'kubectl');
  writeFileSync(
    fakeKubectl,
    `#!/bin/sh\ncase "$2" in secret) exec '${process.execPath}' '${fakeSecret}' "$@";; esac\nexec '${process.execPath}' '${fakeCluster}' "$@"\n`,
  );
  chmodSync(fakeKubectl, 0o755);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [cliBin, 'mcp', '--kubeconfig', kubeconfig, '--context', 'Kind-Dev', '--kubectl', fakeKubectl],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      KUBENTLY_CONFIG_DIR: dir,
      KUBENTLY_API_KEY: 'must-not-reach-kubectl-000000',
      FAKE_KUBECTL_LOG: log,
    },
    stderr: 'pipe',
  });
  client = new Client({ name: 'kubently-local', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
  await client.connect(transport);
});

afterAll(async () => {
  await client.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('kubently mcp --kubeconfig (local mode over stdio)', () => {
  it('offers only the tools that work without a server', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      'ask_kubently',
      'diagnose_cluster',
      'execute_kubectl',
      'list_clusters',
    ]);
    const listed = await call('list_clusters', {});
    expect(listed.structuredContent).toMatchObject({
      clusters: [{ id: 'kind-dev', connected: true, mode: 'readOnly' }],
    });
  });

  it('runs kubectl locally with the kubeconfig and context, without KUBENTLY_* variables', async () => {
    const result = await call('execute_kubectl', {
      clusterId: 'kind-dev',
      args: ['get', 'pods'],
      namespace: 'shop',
    });
    expect(result.isError).toBe(false);
    expect(result.structuredContent).toMatchObject({
      status: 'succeeded',
      exitCode: 0,
      clusterId: 'kind-dev',
    });
    expect((result.structuredContent as { stdout: string }).stdout).toContain('api-7d9f-x1');
    const last = invocations().at(-1);
    expect(last?.argv).toEqual([
      'get',
      'pods',
      '--namespace=shop',
      '--kubeconfig',
      kubeconfig,
      '--context',
      'Kind-Dev',
    ]);
    expect(last?.envKeys.some((key) => key.startsWith('KUBENTLY_'))).toBe(false);
  });

  it('redacts Secret values and counts them', async () => {
    const result = await call('execute_kubectl', {
      clusterId: 'kind-dev',
      args: ['get', 'secret', 'db', '-o', 'json'],
    });
    const structured = result.structuredContent as { stdout: string; redactions: number };
    expect(structured.stdout).toContain('"kind": "Secret"');
    expect(structured.stdout).not.toContain('c3VwZXJzZWNyZXQ=');
    expect(structured.stdout).toContain('<redacted');
    expect(structured.redactions).toBe(2);
  });

  it('refuses what the read-only policy denies, before kubectl runs', async () => {
    const before = invocations().length;
    const result = await call('execute_kubectl', {
      clusterId: 'kind-dev',
      args: ['delete', 'pod', 'api-7d9f-x1'],
    });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^policy_denied: /);
    expect(invocations().length).toBe(before);
    const elsewhere = await call('execute_kubectl', { clusterId: 'prod', args: ['get', 'pods'] });
    expect(elsewhere.isError).toBe(true);
    expect(text(elsewhere)).toMatch(/^cluster_not_found: local mode serves only "kind-dev"/);
  });

  it('diagnoses the context with the collector and engine, and answers ask_kubently from the engine', async () => {
    const diagnosed = await call('diagnose_cluster', { clusterId: 'kind-dev' });
    expect(diagnosed.isError).toBeFalsy();
    const findings = (
      diagnosed.structuredContent as { findings: { resource: { name: string }; rule: string }[] }
    ).findings;
    expect(findings.some((finding) => finding.resource.name === 'api-7d9f-x1')).toBe(true);
    expect(text(diagnosed)).toContain('api-7d9f-x1');

    const progress: string[] = [];
    const asked = await client.callTool(
      { name: 'ask_kubently', arguments: { question: 'why is the api pod failing?' } },
      { onprogress: (update) => progress.push(update.message ?? '') },
    );
    expect(asked.isError).toBeFalsy();
    expect(asked.structuredContent).toMatchObject({ mode: 'engine', stopReason: 'engine_only' });
    expect((asked.structuredContent as { answer: string }).answer).toContain('api-7d9f-x1');
  });
});
