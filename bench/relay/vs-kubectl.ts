/**
 * Relay vs direct kubectl, and Kubently's MCP listing vs kubernetes-mcp-server's `pods_list`
 * (`npx tsx bench/relay/vs-kubectl.ts`, after `npm run build` and `bash testbed/build.sh`): starts a
 * testbed (real kube-apiserver, kwok nodes), creates `--pods` pods, then times, interleaved run by
 * run so both sides see the same machine:
 * - `kubectl get pods -A` run directly with the testbed's kubeconfig;
 * - the same argv through Kubently: `POST /v1/commands` on the built server, built executor running
 *   the same kubectl binary with the same kubeconfig;
 * - `execute_kubectl` with `get pods -A` over Kubently's MCP endpoint (real SDK client), and, when
 *   KUBERNETES_MCP_SERVER_BIN names a kubernetes-mcp-server binary, its `pods_list` tool over stdio
 *   with the same kubeconfig. Without that variable the peer's rows are skipped with a message.
 * Flags: --pods N (200), --runs N (20), --keep (leave the testbed running).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

import { commandResponseSchema } from '@kubently/protocol';
import { Testbed } from '@kubently/testbed';

import { adminKey, startServer } from '../../test/integration/support/kubently.js';
import { executorMain, spawnNode, stopAll } from '../../test/integration/support/processes.js';
import { benchCommit, machineLine, percentile } from './bench-machine.js';

const { values } = parseArgs({
  options: {
    pods: { type: 'string', default: '200' },
    runs: { type: 'string', default: '20' },
    keep: { type: 'boolean', default: false },
  },
});
const podCount = Number(values.pods);
const runs = Number(values.runs);
const root = fileURLToPath(new URL('../../', import.meta.url));
const peerBinary = process.env['KUBERNETES_MCP_SERVER_BIN'];
const run = promisify(execFile);

const timed = async (once: () => Promise<void>): Promise<number> => {
  const started = performance.now();
  await once();
  return performance.now() - started;
};

const summary = (label: string, times: number[], base?: number[]): string => {
  const sorted = [...times].sort((a, b) => a - b);
  const median = percentile(sorted, 0.5);
  const ratio =
    base === undefined
      ? ''
      : (
          median /
          percentile(
            [...base].sort((a, b) => a - b),
            0.5,
          )
        ).toFixed(3);
  return `| ${label} | ${sorted.length} | ${median.toFixed(1)} | ${percentile(sorted, 0.95).toFixed(1)} | ${(sorted.at(-1) ?? Number.NaN).toFixed(1)} | ${ratio} |`;
};

const header = machineLine();
let testbed: Testbed;
try {
  testbed = await Testbed.start({
    runDir: mkdtempSync(join(tmpdir(), 'kubently-vs-kubectl-')),
    build: false,
    timeoutMs: 240_000,
  });
} catch (error) {
  console.log(
    `skipped: the testbed did not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(0);
}
const lines: string[] = [];
try {
  await testbed.kubectlOk(['create', 'namespace', 'bench-list']);
  await testbed.kubectlOk([
    'create',
    'deployment',
    'bench-list',
    '-n',
    'bench-list',
    '--image=registry.invalid/bench:1',
    `--replicas=${podCount}`,
  ]);
  const deadline = Date.now() + 180_000;
  for (;;) {
    const out = await testbed.kubectlOk(['get', 'pods', '-n', 'bench-list', '-o', 'name']);
    if (out.split('\n').filter((line) => line !== '').length >= podCount) break;
    if (Date.now() > deadline) throw new Error(`fewer than ${podCount} pods after 3 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const total = (await testbed.kubectlOk(['get', 'pods', '-A', '-o', 'name'])).split('\n').length - 1;

  const server = await startServer({ KUBENTLY_LOG_LEVEL: 'warn' });
  const token = await server.api.addCluster('bench');
  spawnNode(executorMain, {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: process.env['HOME'] ?? '/tmp',
    KUBENTLY_API_URL: server.url,
    CLUSTER_ID: 'bench',
    KUBENTLY_TOKEN: token,
    KUBENTLY_KUBECTL: testbed.kubectlPath,
    KUBECONFIG: testbed.kubeconfig,
    LOG_LEVEL: 'warn',
  });
  await server.api.waitForExecutors('bench');
  const kubently = new Client({ name: 'bench', version: '1.0.0' });
  await kubently.connect(
    new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
      requestInit: { headers: { 'x-api-key': adminKey } },
    }),
  );
  let peer: Client | undefined;
  if (peerBinary !== undefined) {
    peer = new Client({ name: 'bench', version: '1.0.0' });
    await peer.connect(
      new StdioClientTransport({
        command: peerBinary,
        args: ['--kubeconfig', testbed.kubeconfig, '--read-only'],
      }),
    );
  }

  const direct = async (): Promise<void> => {
    await run(testbed.kubectlPath, ['--kubeconfig', testbed.kubeconfig, 'get', 'pods', '-A'], {
      maxBuffer: 64 * 2 ** 20,
    });
  };
  const relay = async (): Promise<void> => {
    const answer = await server.api.post('/v1/commands', { clusterId: 'bench', args: ['get', 'pods', '-A'] });
    const parsed = commandResponseSchema.parse(answer.body);
    if (parsed.status !== 'succeeded') throw new Error(`relay: ${parsed.status} ${parsed.stderr ?? ''}`);
  };
  const mcpKubently = async (): Promise<void> => {
    const result = await kubently.callTool({
      name: 'execute_kubectl',
      arguments: { clusterId: 'bench', args: ['get', 'pods', '-A'] },
    });
    if (result.isError === true) throw new Error(JSON.stringify(result.content));
  };
  const mcpPeer = async (): Promise<void> => {
    const result = await peer?.callTool({ name: 'pods_list', arguments: {} });
    if (result?.isError === true) throw new Error(JSON.stringify(result.content));
  };

  const times = { direct: [] as number[], relay: [] as number[], mcp: [] as number[], peer: [] as number[] };
  for (let warm = 0; warm < 3; warm += 1) {
    await direct();
    await relay();
    await mcpKubently();
    if (peer !== undefined) await mcpPeer();
  }
  for (let index = 0; index < runs; index += 1) {
    times.direct.push(await timed(direct));
    times.relay.push(await timed(relay));
    times.mcp.push(await timed(mcpKubently));
    if (peer !== undefined) times.peer.push(await timed(mcpPeer));
  }
  await kubently.close();
  await peer?.close();

  lines.push(
    `\nKubently relay vs direct kubectl, get pods -A (${total} pods) - ${new Date().toISOString()}`,
    `${header}; commit ${benchCommit(root)}; runs interleaved\n`,
    '| call | n | median ms | p95 ms | max ms | ratio to its baseline (median) |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    summary('kubectl get pods -A (direct)', times.direct),
    summary('Kubently POST /v1/commands get pods -A', times.relay, times.direct),
    summary(
      'Kubently MCP execute_kubectl get pods -A',
      times.mcp,
      peer === undefined ? undefined : times.peer,
    ),
    peer === undefined
      ? '| kubernetes-mcp-server pods_list | skipped: set KUBERNETES_MCP_SERVER_BIN to its binary | | | | |'
      : summary('kubernetes-mcp-server pods_list', times.peer),
    '\ngoals: relay ÷ direct ≤ 1.05; Kubently MCP ÷ kubernetes-mcp-server pods_list ≤ 1.0',
  );
} finally {
  await stopAll();
  if (!values.keep) await testbed.stop();
}
console.log(lines.join('\n'));
