/**
 * Relay throughput with a no-op executor (`npx tsx bench/relay/throughput.ts`, after `npm run build`):
 * the built server (one process, memory or Redis backend) and, in this process, an executor that
 * speaks the real wire protocol (`GET /v1/executor/stream` SSE, `POST /v1/executor/results`) and
 * answers every command at once without spawning kubectl. N callers run `POST /v1/commands` (wait
 * for the result) in a closed loop over kept-alive sockets. Prints commands/s, p50/p99, and the
 * server's CPU time per command (utime + stime from /proc/<pid>/stat over the measured window).
 *
 * Flags: --backend memory|redis (both), --callers N (32), --seconds S (10), --warmup N (500),
 * --profile (runs the server under `node --cpu-prof`; the .cpuprofile lands in bench/results/profiles),
 * --server-main PATH (another build's main.js, for before/after runs in one window; it must sit
 * beside apps/server/dist so it resolves the same packages), --label TEXT (names that build's rows).
 * Redis uses 127.0.0.1:6379 under a fresh key prefix, deleted afterwards.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

import { startServer } from '../../test/integration/support/kubently.js';
import { stopAll } from '../../test/integration/support/processes.js';
import { openStream } from '../connections/stream-client.js';
import type { StreamCounters } from '../connections/stream-client.js';
import { deleteRedisPrefix, postCommand } from './bench-http.js';
import { benchCommit, machineLine, percentile } from './bench-machine.js';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'memory,redis' },
    callers: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '500' },
    profile: { type: 'boolean', default: false },
    'server-main': { type: 'string' },
    label: { type: 'string' },
  },
});
const backends = values.backend.split(',').filter((b) => b !== '');
for (const backend of backends)
  if (backend !== 'memory' && backend !== 'redis')
    throw new Error(`--backend takes memory, redis or both separated by a comma (got "${backend}")`);
const callers = Number(values.callers);
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const root = fileURLToPath(new URL('../../', import.meta.url));
const resultsDir = `${root}bench/results`;
const redisUrl = 'redis://127.0.0.1:6379';
const clockTicksPerSecond = 100;

/** utime and stime of a process in milliseconds (/proc/<pid>/stat fields 14 and 15). */
const processCpuMs = (pid: number): { user: number; system: number } => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    user: (Number(fields[11]) * 1000) / clockTicksPerSecond,
    system: (Number(fields[12]) * 1000) / clockTicksPerSecond,
  };
};

interface Row {
  build: string;
  backend: string;
  callers: number;
  seconds: number;
  completed: number;
  errors: number;
  commandsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  serverCpuMsPerCommand: number;
  /** Share of the server's CPU spent in user space (the rest is the kernel: sockets, wake-ups). */
  serverUserShare: number;
  serverCpuPercent: number;
  benchCpuMsPerCommand: number;
  loadAverage: string;
}

async function measure(backend: 'memory' | 'redis'): Promise<Row> {
  const prefix = `kubently-bench:${randomUUID()}:`;
  const env: Record<string, string> = {
    KUBENTLY_LOG_LEVEL: 'warn',
    KUBENTLY_AUDIT_MAX_RECORDS: '1000',
    // One key plays every caller: the in-flight limit would measure itself, not the relay.
    KUBENTLY_MAX_COMMANDS_IN_FLIGHT_PER_IDENTITY: '10000',
    ...(backend === 'redis' ? { KUBENTLY_REDIS_URL: redisUrl, KUBENTLY_REDIS_PREFIX: prefix } : {}),
  };
  const agent = new Agent({ keepAlive: true, maxSockets: callers + 4 });
  const resultAgent = new Agent({ keepAlive: true, maxSockets: 16 });
  try {
    const server = await startServer(env, 0, {
      nodeArgs: values.profile ? ['--cpu-prof', `--cpu-prof-dir=${resultsDir}/profiles`] : [],
      ...(values['server-main'] === undefined ? {} : { script: values['server-main'] }),
    });
    const clusterId = `bench-noop-${backend}`;
    const token = await server.api.addCluster(clusterId);
    const counters: StreamCounters = {
      connected: 0,
      keepalives: 0,
      commands: 0,
      resultsPosted: 0,
      resultErrors: 0,
      streamErrors: 0,
    };
    const stream = await openStream({
      baseUrl: new URL(server.url),
      token,
      executorId: 'noop-executor',
      localAddress: '127.0.0.1',
      resultAgent,
      counters,
    });
    const run = (marker: string) =>
      postCommand(agent, server.url, server.api.key ?? '', { clusterId, args: ['get', 'pods', marker] });
    for (let index = 0; index < warmup; index += 1) await run(`warmup-${index}`);

    const latencies: number[] = [];
    let errors = 0;
    const serverCpuBefore = processCpuMs(server.process.pid);
    const benchCpuBefore = process.cpuUsage();
    const started = performance.now();
    const deadline = started + seconds * 1000;
    await Promise.all(
      Array.from({ length: callers }, async (_, caller) => {
        for (let index = 0; performance.now() < deadline; index += 1) {
          const sent = performance.now();
          const ok = await run(`tp-${caller}-${index}`);
          latencies.push(performance.now() - sent);
          if (!ok) errors += 1;
        }
      }),
    );
    const elapsedSeconds = (performance.now() - started) / 1000;
    const serverCpuAfter = processCpuMs(server.process.pid);
    const serverUserMs = serverCpuAfter.user - serverCpuBefore.user;
    const serverCpuMs = serverUserMs + serverCpuAfter.system - serverCpuBefore.system;
    const benchCpu = process.cpuUsage(benchCpuBefore);
    const loadAverage = loadavg()
      .map((v) => v.toFixed(2))
      .join(' ');
    // Counted before the stream is closed: its teardown is not an error of the run.
    const linkErrors = counters.resultErrors + counters.streamErrors;
    stream.destroy();
    // A graceful exit without stopAll's 5 s SIGKILL: --cpu-prof writes its profile at exit.
    await server.process.stop();
    latencies.sort((a, b) => a - b);
    const completed = latencies.length - errors;
    return {
      build: values.label ?? 'this checkout',
      backend,
      callers,
      seconds: elapsedSeconds,
      completed,
      errors: errors + linkErrors,
      commandsPerSecond: completed / elapsedSeconds,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      maxMs: latencies.at(-1) ?? Number.NaN,
      serverCpuMsPerCommand: serverCpuMs / Math.max(1, latencies.length),
      serverUserShare: serverUserMs / Math.max(1, serverCpuMs),
      serverCpuPercent: serverCpuMs / 10 / elapsedSeconds,
      benchCpuMsPerCommand: (benchCpu.user + benchCpu.system) / 1000 / Math.max(1, latencies.length),
      loadAverage,
    };
  } finally {
    await stopAll();
    agent.destroy();
    resultAgent.destroy();
    if (backend === 'redis') await deleteRedisPrefix(redisUrl, prefix);
  }
}

const header = machineLine();
const rows: Row[] = [];
for (const backend of backends) rows.push(await measure(backend as 'memory' | 'redis'));

const fixed = (value: number, digits = 2): string => value.toFixed(digits);
console.log(`\nKubently relay throughput, no-op executor (SSE) - ${new Date().toISOString()}`);
console.log(`${header}; commit ${benchCommit(root)}\n`);
console.log(
  '| build | backend | callers | s | commands | commands/s | p50 ms | p99 ms | max ms | errors | server CPU ms/command (user share) | server CPU % | bench CPU ms/command | load average after |',
);
console.log(
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
);
for (const r of rows) {
  console.log(
    `| ${r.build} | ${r.backend} | ${r.callers} | ${fixed(r.seconds, 1)} | ${r.completed} | ${fixed(r.commandsPerSecond, 0)} | ${fixed(r.p50Ms)} | ${fixed(r.p99Ms)} | ${fixed(r.maxMs)} | ${r.errors} | ${fixed(r.serverCpuMsPerCommand, 3)} (${fixed(r.serverUserShare * 100, 0)} %) | ${fixed(r.serverCpuPercent, 0)} | ${fixed(r.benchCpuMsPerCommand, 3)} | ${r.loadAverage} |`,
  );
}
console.log('\ngoals: >= 2,000 commands/s (memory), >= 1,000 (Redis), p99 <= 20 ms with 32 callers');
mkdirSync(resultsDir, { recursive: true });
const file = `${resultsDir}/relay-throughput-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
writeFileSync(file, `${JSON.stringify({ benchmark: 'relay-throughput', header, rows }, null, 2)}\n`);
console.log(`wrote ${file}`);
