/**
 * Relay benchmark (`npx tsx bench/relay/run.ts`, after `npm run build`): the built server and a built
 * executor on loopback, memory backend. For each kubectl stand-in it measures sequential latency
 * (one caller, p50/p95/p99) and throughput (N concurrent callers), prints a table and writes JSON to
 * bench/results/. Flags: --sequential N (1000), --callers N (64), --seconds S (10 per throughput
 * run), --concurrency N (executor KUBENTLY_MAX_CONCURRENCY, 4), --only fake|tiny.
 *
 * Stand-ins (set through the executor's documented KUBENTLY_KUBECTL, nothing else changes):
 * - fake: test/fixtures/fake-kubectl.mjs, a Node script (a process start costs about what a real
 *   kubectl start does, before kubectl talks to any API server);
 * - tiny: /bin/echo, the cheapest program there is to spawn: what is left is the relay itself plus
 *   one fork/exec.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

import { connectExecutor, startServer } from '../../test/integration/support/kubently.js';
import type { RunningServer } from '../../test/integration/support/kubently.js';
import { stopAll } from '../../test/integration/support/processes.js';

const { values } = parseArgs({
  options: {
    sequential: { type: 'string', default: '1000' },
    callers: { type: 'string', default: '64' },
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '4' },
    only: { type: 'string' },
  },
});
const sequentialCount = Number(values.sequential);
const callers = Number(values.callers);
const throughputSeconds = Number(values.seconds);
const executorConcurrency = Number(values.concurrency);

const root = fileURLToPath(new URL('../../', import.meta.url));
const standIns = [
  { name: 'fake', label: 'fake-kubectl.mjs (Node script)', kubectl: `${root}test/fixtures/fake-kubectl.mjs` },
  { name: 'tiny', label: '/bin/echo (tiny binary)', kubectl: '/bin/echo' },
].filter((s) => values.only === undefined || values.only === s.name);

const agent = new Agent({ keepAlive: true, maxSockets: callers + 4 });

/** One POST /v1/commands over a kept-alive socket; resolves with the HTTP status and status field. */
function runCommand(
  server: RunningServer,
  clusterId: string,
  marker: string,
): Promise<{ http: number; status: string; durationMs: number }> {
  const body = JSON.stringify({ clusterId, args: ['get', 'pods', marker] });
  const url = new URL('/v1/commands', server.url);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-api-key': server.api.key ?? '',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            status?: string;
            durationMs?: number;
          };
          resolve({
            http: res.statusCode ?? 0,
            status: parsed.status ?? 'error',
            durationMs: parsed.durationMs ?? NaN,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const percentile = (sorted: number[], q: number): number =>
  sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;

interface VariantResult {
  standIn: string;
  sequential: { count: number; errors: number; p50Ms: number; p95Ms: number; p99Ms: number; meanMs: number };
  /** Round trip minus the kubectl run time the executor measured: server + link + executor. */
  relayOverhead: { p50Ms: number; p95Ms: number; p99Ms: number };
  throughput: {
    callers: number;
    seconds: number;
    completed: number;
    errors: number;
    commandsPerSecond: number;
  };
}

async function measure(standIn: (typeof standIns)[number]): Promise<VariantResult> {
  const server = await startServer({
    KUBENTLY_LOG_LEVEL: 'warn',
    KUBENTLY_AUDIT_MAX_RECORDS: '1000',
    // One key plays every caller: the in-flight limit would measure itself, not the relay.
    KUBENTLY_MAX_COMMANDS_IN_FLIGHT_PER_IDENTITY: '10000',
  });
  const clusterId = `bench-${standIn.name}`;
  const token = await server.api.addCluster(clusterId);
  await connectExecutor(server, {
    clusterId,
    token,
    kubectl: { path: standIn.kubectl, logFile: '', invocations: () => [] },
    env: { LOG_LEVEL: 'warn', KUBENTLY_MAX_CONCURRENCY: String(executorConcurrency) },
  });
  for (let i = 0; i < 50; i += 1) await runCommand(server, clusterId, `warmup-${i}`);

  const latencies: number[] = [];
  const overheads: number[] = [];
  let sequentialErrors = 0;
  for (let i = 0; i < sequentialCount; i += 1) {
    const started = process.hrtime.bigint();
    const answer = await runCommand(server, clusterId, `seq-${i}`);
    const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
    latencies.push(totalMs);
    overheads.push(totalMs - answer.durationMs);
    if (answer.http !== 200 || answer.status !== 'succeeded') sequentialErrors += 1;
  }
  latencies.sort((a, b) => a - b);
  overheads.sort((a, b) => a - b);

  let completed = 0;
  let throughputErrors = 0;
  const deadline = performance.now() + throughputSeconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async (_, caller) => {
      for (let i = 0; performance.now() < deadline; i += 1) {
        const answer = await runCommand(server, clusterId, `tp-${caller}-${i}`);
        if (answer.http === 200 && answer.status === 'succeeded') completed += 1;
        else throughputErrors += 1;
      }
    }),
  );
  const elapsedSeconds = (performance.now() - started) / 1000;
  await stopAll();
  return {
    standIn: standIn.label,
    sequential: {
      count: sequentialCount,
      errors: sequentialErrors,
      p50Ms: percentile(latencies, 0.5),
      p95Ms: percentile(latencies, 0.95),
      p99Ms: percentile(latencies, 0.99),
      meanMs: latencies.reduce((sum, value) => sum + value, 0) / latencies.length,
    },
    relayOverhead: {
      p50Ms: percentile(overheads, 0.5),
      p95Ms: percentile(overheads, 0.95),
      p99Ms: percentile(overheads, 0.99),
    },
    throughput: {
      callers,
      seconds: elapsedSeconds,
      completed,
      errors: throughputErrors,
      commandsPerSecond: completed / elapsedSeconds,
    },
  };
}

const machine = {
  nproc: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  executorMaxConcurrency: executorConcurrency,
  loadAverageAtStart: loadavg().map((value) => Number(value.toFixed(2))),
};
const results: VariantResult[] = [];
try {
  for (const standIn of standIns) results.push(await measure(standIn));
} finally {
  await stopAll();
  agent.destroy();
}

const fixed = (value: number, digits = 2): string => value.toFixed(digits);
console.log(`\nKubently relay benchmark - ${new Date().toISOString()}`);
console.log(
  `machine: ${machine.nproc} CPU (${machine.cpuModel}), ${machine.memoryGiB} GiB, node ${machine.node}; executor max concurrency ${executorConcurrency}; load average at start ${machine.loadAverageAtStart.join(' ')}, at end ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}\n`,
);
console.log(
  '| kubectl stand-in | sequential n | p50 ms | p95 ms | p99 ms | relay-only p50 / p99 ms | callers | commands/s | errors |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of results) {
  console.log(
    `| ${r.standIn} | ${r.sequential.count} | ${fixed(r.sequential.p50Ms)} | ${fixed(r.sequential.p95Ms)} | ${fixed(r.sequential.p99Ms)} | ${fixed(r.relayOverhead.p50Ms)} / ${fixed(r.relayOverhead.p99Ms)} | ${r.throughput.callers} | ${fixed(r.throughput.commandsPerSecond, 0)} | ${r.sequential.errors + r.throughput.errors} |`,
  );
}
console.log('\ngoals: p50 <= 2 ms, p99 <= 10 ms, >= 5,000 commands/s');

const dir = `${root}bench/results`;
mkdirSync(dir, { recursive: true });
const file = `${dir}/relay-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
writeFileSync(
  file,
  `${JSON.stringify({ benchmark: 'relay', at: new Date().toISOString(), machine, results }, null, 2)}\n`,
);
console.log(`\nwrote ${file}`);
