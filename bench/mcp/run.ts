/**
 * MCP overhead benchmark (`npx tsx bench/mcp/run.ts`, after `npm run build`): the built server and
 * a built executor running /bin/echo as kubectl on loopback. One caller, sequential, N calls each:
 * REST `POST /v1/commands`, then `execute_kubectl` over `/mcp` with the real SDK client on the
 * 2026-07-28 revision and on the 2025-era (initialize) path, then `list_clusters` (no executor
 * round trip) both ways. Prints p50/p95/p99 per row. Flags: --calls N (300).
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';

import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

import { adminKey, connectExecutor, startServer } from '../../test/integration/support/kubently.js';
import { stopAll } from '../../test/integration/support/processes.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '300' } } });
const calls = Number(values.calls);

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

const measure = async (label: string, once: () => Promise<void>): Promise<string> => {
  for (let warm = 0; warm < 20; warm += 1) await once();
  const times: number[] = [];
  for (let index = 0; index < calls; index += 1) {
    const started = performance.now();
    await once();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const row = [label, percentile(times, 50), percentile(times, 95), percentile(times, 99)];
  return `| ${row.map((cell) => (typeof cell === 'number' ? cell.toFixed(2) : cell)).join(' | ')} |`;
};

const mcpClient = async (url: string, mode: 'auto' | 'legacy'): Promise<Client> => {
  const client = new Client({ name: 'bench', version: '1.0.0' }, { versionNegotiation: { mode } });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
      requestInit: { headers: { 'x-api-key': adminKey } },
    }),
  );
  return client;
};

const main = async (): Promise<void> => {
  const server = await startServer({ KUBENTLY_LOG_LEVEL: 'warn' });
  try {
    const token = await server.api.addCluster('bench');
    await connectExecutor(server, {
      clusterId: 'bench',
      token,
      kubectl: { path: '/bin/echo', logFile: '', invocations: () => [] },
    });
    const modern = await mcpClient(server.url, 'auto');
    const legacy = await mcpClient(server.url, 'legacy');
    const execute = (client: Client) => async (): Promise<void> => {
      const result = await client.callTool({
        name: 'execute_kubectl',
        arguments: { clusterId: 'bench', args: ['get', 'pods'] },
      });
      if (result.isError === true) throw new Error(JSON.stringify(result.content));
    };
    const list = (client: Client) => async (): Promise<void> => {
      await client.callTool({ name: 'list_clusters', arguments: {} });
    };
    const rows = [
      await measure('REST POST /v1/commands', async () => {
        const answer = await server.api.post('/v1/commands', { clusterId: 'bench', args: ['get', 'pods'] });
        if (answer.status !== 200) throw new Error(`REST ${answer.status}`);
      }),
      await measure(`MCP execute_kubectl (${modern.getNegotiatedProtocolVersion() ?? '?'})`, execute(modern)),
      await measure(`MCP execute_kubectl (${legacy.getNegotiatedProtocolVersion() ?? '?'})`, execute(legacy)),
      await measure('REST GET /v1/clusters', async () => {
        await server.api.get('/v1/clusters');
      }),
      await measure(`MCP list_clusters (${modern.getNegotiatedProtocolVersion() ?? '?'})`, list(modern)),
      await measure(`MCP list_clusters (${legacy.getNegotiatedProtocolVersion() ?? '?'})`, list(legacy)),
    ];
    await modern.close();
    await legacy.close();
    process.stdout.write(
      `MCP vs REST, one sequential caller, ${String(calls)} calls each, kubectl = /bin/echo\n` +
        `(${String(cpus().length)} cores, load ${loadavg()[0]?.toFixed(2) ?? '?'})\n\n` +
        '| call | p50 ms | p95 ms | p99 ms |\n| --- | --: | --: | --: |\n' +
        `${rows.join('\n')}\n`,
    );
  } finally {
    await stopAll();
  }
};

await main();
