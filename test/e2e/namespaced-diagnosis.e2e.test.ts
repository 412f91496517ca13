import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { run } from '@kubently/cli';
import { runKubectl } from '@kubently/testbed';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { createTestIo } from '../../apps/cli/test/support/test-io.js';
import { a2aClient, collect, userMessage, withKey } from '../integration/support/a2a-client.js';
import { programmableModel, toolResultTexts } from '../integration/support/agent-kubently.js';
import { startInProcessRelay } from './in-process-relay.js';
import type { InProcessRelay } from './in-process-relay.js';
import './testbed-context.js';

/**
 * `diagnose -n X` through every entry point on the real testbed (issue #19 item 1). The
 * `node-not-ready` scenario leaves Node worker-9 NotReady; its pods wait for that node. A namespaced
 * report of another namespace must not show that node at all, and must rank its own root cause
 * first; the report of `node-not-ready` must rank the node first (it strands that namespace's pods).
 * Entry points: the CLI locally (`--kubeconfig`), `kubently mcp --kubeconfig` (the built CLI over
 * stdio), REST `POST /v1/clusters/:id/diagnose`, the server's `/mcp`, and the agent's `diagnose`
 * tool over A2A (a scripted model calls it with a namespace).
 */
const testbed = inject('testbed');
const cliBin = fileURLToPath(new URL('../../apps/cli/bin/kubently.js', import.meta.url));
const adminKey = 'namespaced-diagnosis-admin-0123456789';
const notReadyNode = 'worker-9';
/** Its pods are on no NotReady node; its root cause is an image name typo. */
const quiet = 'image-pull-typo';
const stranded = 'node-not-ready';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Ref {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}
interface Reported {
  readonly resource: Ref;
  readonly rule: string;
}
/** Root causes first, then symptoms, as each entry point orders them. */
type Diagnose = (namespace: string) => Promise<readonly Reported[]>;

const isNode = (item: Reported): boolean =>
  item.resource.kind === 'Node' && item.resource.name === notReadyNode;

/** Symptoms need up to ~2 minutes after the apply; retries until `accept` holds or time is up. */
const until = async (
  diagnose: Diagnose,
  namespace: string,
  accept: (items: readonly Reported[]) => boolean,
): Promise<readonly Reported[]> => {
  const deadline = Math.max(Date.now() + 30_000, testbed.scenariosAppliedAt + 200_000);
  for (;;) {
    const items = await diagnose(namespace);
    if (accept(items) || Date.now() > deadline) return items;
    await sleep(3000);
  }
};

const startsWithOwnCause = (items: readonly Reported[]): boolean => items[0]?.resource.namespace === quiet;
const startsWithNode = (items: readonly Reported[]): boolean => items[0] !== undefined && isNode(items[0]);

/** The two checks every entry point must pass. */
const checkEntryPoint = (diagnose: () => Diagnose): void => {
  it(`-n ${quiet}: its own root cause first, the NotReady node elsewhere absent`, async () => {
    const items = await until(diagnose(), quiet, startsWithOwnCause);
    const listing = JSON.stringify(items, null, 1);
    expect(items.filter(isNode), listing).toEqual([]);
    expect(items[0]?.resource.namespace, listing).toBe(quiet);
    // Everything reported is the namespace's own, or cluster-scoped and about it.
    for (const item of items) expect(['', quiet], listing).toContain(item.resource.namespace);
  });

  it(`-n ${stranded}: the NotReady node that strands its pods ranks first`, async () => {
    const items = await until(diagnose(), stranded, startsWithNode);
    expect(items[0], JSON.stringify(items, null, 1)).toMatchObject({
      rule: 'node-not-ready',
      resource: { kind: 'Node', name: notReadyNode },
    });
  });
};

beforeAll(async () => {
  // The node turns NotReady 20-45 s after joining; wait for it so the quiet checks mean something.
  const deadline = testbed.scenariosAppliedAt + 180_000;
  for (;;) {
    const answer = await runKubectl(
      ['get', 'node', notReadyNode, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'],
      { kubectl: testbed.kubectl, kubeconfig: testbed.kubeconfig },
    );
    if (answer.stdout === 'False') return;
    if (Date.now() > deadline)
      throw new Error(`node ${notReadyNode} never became NotReady: ${answer.stderr}`);
    await sleep(2000);
  }
}, 240_000);

describe('kubently diagnose -n --kubeconfig (local)', { timeout: 300_000 }, () => {
  checkEntryPoint(() => async (namespace) => {
    const io = createTestIo({
      env: { PATH: `${testbed.binDir}:${process.env['PATH'] ?? ''}`, HOME: testbed.runDir },
    });
    const args = ['diagnose', '-n', namespace, '--kubeconfig', testbed.kubeconfig];
    const code = await run([...args, '--kubectl', testbed.kubectl, '-o', 'json'], io);
    expect(code, io.err()).toBe(0);
    const report = JSON.parse(io.out()) as { findings: Reported[]; symptoms: Reported[] };
    return [...report.findings, ...report.symptoms];
  });
});

describe('diagnose_cluster of kubently mcp --kubeconfig (stdio)', { timeout: 300_000 }, () => {
  let client: Client;
  let home: string;
  let clusterId = '';

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'kubently-ns-diagnosis-'));
    client = new Client(
      { name: 'ns-diagnosis', version: '1.0.0' },
      { versionNegotiation: { mode: 'legacy' } },
    );
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [cliBin, 'mcp', '--kubeconfig', testbed.kubeconfig, '--kubectl', testbed.kubectl],
        env: {
          PATH: `${testbed.binDir}:${process.env['PATH'] ?? ''}`,
          HOME: home,
          KUBENTLY_CONFIG_DIR: home,
        },
        stderr: 'pipe',
      }),
    );
    const listed = await client.callTool({ name: 'list_clusters', arguments: {} });
    clusterId = (listed.structuredContent as { clusters: { id: string }[] }).clusters[0]?.id ?? '';
  });

  afterAll(async () => {
    await client.close();
    rmSync(home, { recursive: true, force: true });
  });

  checkEntryPoint(() => async (namespace) => {
    const result = await client.callTool(
      { name: 'diagnose_cluster', arguments: { clusterId, namespaces: [namespace] } },
      { timeout: 120_000 },
    );
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    return (result.structuredContent as { findings: Reported[] }).findings;
  });
});

describe('through the server (REST, /mcp, A2A) with an executor on the testbed', { timeout: 300_000 }, () => {
  const scripted = programmableModel();
  let relayed: InProcessRelay;
  let mcp: Client;

  beforeAll(async () => {
    relayed = await startInProcessRelay(testbed, adminKey, { overrides: { model: scripted.model } });
    mcp = new Client(
      { name: 'ns-diagnosis-http', version: '1.0.0' },
      { versionNegotiation: { mode: 'auto' } },
    );
    await mcp.connect(
      new StreamableHTTPClientTransport(new URL(`${relayed.server.url}/mcp`), {
        requestInit: { headers: { 'x-api-key': adminKey } },
      }),
    );
  });

  afterAll(async () => {
    await mcp.close();
    await relayed.close();
  });

  describe('REST POST /v1/clusters/testbed/diagnose', () => {
    checkEntryPoint(() => async (namespace) => {
      const answer = await fetch(`${relayed.server.url}/v1/clusters/testbed/diagnose`, {
        method: 'POST',
        headers: { 'x-api-key': adminKey, 'content-type': 'application/json' },
        body: JSON.stringify({ namespaces: [namespace] }),
      });
      const body = (await answer.json()) as { findings: Reported[]; symptoms: Reported[] };
      expect(answer.status, JSON.stringify(body)).toBe(200);
      return [...body.findings, ...body.symptoms];
    });
  });

  describe('/mcp diagnose_cluster', () => {
    checkEntryPoint(() => async (namespace) => {
      const result = await mcp.callTool(
        { name: 'diagnose_cluster', arguments: { clusterId: 'testbed', namespaces: [namespace] } },
        { timeout: 120_000 },
      );
      expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
      return (result.structuredContent as { findings: Reported[] }).findings;
    });
  });

  describe("A2A: the agent's diagnose tool", () => {
    /** The agent's compact report lists `N. [severity] <ref> (rule <rule>, ...)` and `- [severity] <ref>: ...`. */
    const parseCompact = (text: string): Reported[] =>
      [...text.matchAll(/^(?:\d+\.|-) \[\w+\] (\S+?)(?: \(rule ([\w-]+)|:)/gm)].map((match) => {
        const parts = (match[1] ?? '').split('/');
        const [namespace = '', kind = '', name = ''] = parts.length === 2 ? ['', ...parts] : parts;
        return { resource: { kind, namespace, name }, rule: match[2] ?? '' };
      });

    checkEntryPoint(() => async (namespace) => {
      let report = '';
      scripted.script([
        { toolCalls: [{ id: 'd1', name: 'diagnose', input: { clusterId: 'testbed', namespace } }] },
        (options) => {
          report = toolResultTexts(options).join('\n').replaceAll('\\n', '\n');
          return { text: 'done' };
        },
      ]);
      const client = await a2aClient(relayed.server.url);
      await collect(
        client.sendMessageStream(
          userMessage(`diagnose ${namespace}`, { clusterId: 'testbed' }),
          withKey(adminKey),
        ),
      );
      expect(report, 'the diagnose tool ran and returned a report').toMatch(/Root causes \(/);
      return parseCompact(report);
    });
  });
});
