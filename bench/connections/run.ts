/**
 * 10,000 executor SSE streams on one server process (`npx tsx bench/connections/run.ts`, after
 * `npm run build`): starts the built server (memory backend, or `--backend redis` on
 * 127.0.0.1:6379 under a fresh key prefix deleted afterwards) with a raised fd limit, registers one
 * cluster per stream, opens the streams with a lightweight node:http client that answers every
 * command at once (no kubectl), then measures connect time, server RSS, server CPU and keepalives
 * over an idle window, and caller `POST /v1/commands` → result latency for commands sent to random
 * clusters by concurrent callers. Re-executes itself under `ulimit -n 65536` when the fd limit is
 * low. Flags: --streams N (10000), --backend memory|redis, --commands M (2000), --callers N (32),
 * --idle S (10). Every phase is bounded; the whole run aborts after 5 minutes.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import type { ClientRequest } from 'node:http';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';

import { Redis } from 'ioredis';

import { clusterTokenResponseSchema } from '@kubently/protocol';

import { serverMain } from '../../test/integration/support/processes.js';
import { openStream } from './stream-client.js';
import type { StreamCounters } from './stream-client.js';

/** Asks for 65,536 fds, or the hard limit when the container caps it lower (no CAP_SYS_RESOURCE). */
const raiseFds = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"';
const [fdLimit = 0, fdHardLimit = 0] = execFileSync('bash', ['-c', 'ulimit -n; ulimit -Hn'], {
  encoding: 'utf8',
})
  .trim()
  .split('\n')
  .map((n) => (n === 'unlimited' ? Infinity : Number(n)));
if (fdLimit < 65_536 && fdLimit < fdHardLimit && process.env.KUBENTLY_BENCH_REEXEC !== '1') {
  const again = spawnSync(
    'bash',
    [
      '-c',
      `${raiseFds} && exec "$@"`,
      'bash',
      process.execPath,
      ...process.execArgv,
      ...process.argv.slice(1),
    ],
    { stdio: 'inherit', env: { ...process.env, KUBENTLY_BENCH_REEXEC: '1' } },
  );
  if (again.status === null)
    throw new Error(
      'could not raise the fd limit; run: bash -c "ulimit -n 65536 && npx tsx bench/connections/run.ts"',
    );
  process.exit(again.status);
}

const { values } = parseArgs({
  options: {
    streams: { type: 'string', default: '10000' },
    backend: { type: 'string', default: 'memory' },
    commands: { type: 'string', default: '2000' },
    callers: { type: 'string', default: '32' },
    sequential: { type: 'string', default: '500' },
    idle: { type: 'string', default: '10' },
  },
});
const backend = values.backend;
if (backend !== 'memory' && backend !== 'redis') throw new Error('--backend must be memory or redis');
const streamCount = Number(values.streams);
const commandCount = Number(values.commands);
const callerCount = Number(values.callers);
const idleSeconds = Number(values.idle);
const sequentialCount = Number(values.sequential);
for (const [name, value] of Object.entries({
  streamCount,
  commandCount,
  callerCount,
  idleSeconds,
  sequentialCount,
}))
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);

const redisUrl = 'redis://127.0.0.1:6379';
const prefix = `kubently-bench-conn:${randomUUID()}:`;
const adminKey = `admin-${randomBytes(16).toString('hex')}`;
/** Source addresses for the streams: 2,000 per address keeps far from any ephemeral port limit. */
const sourceAddresses = Array.from({ length: 8 }, (_, index) => `127.0.0.${index + 2}`);
const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
const apiAgent = new Agent({ keepAlive: true, maxSockets: callerCount + 8 });
const resultAgent = new Agent({ keepAlive: true, maxSockets: 64 });

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (sorted: number[], q: number): number =>
  sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;
const load = (): string[] => loadavg().map((value) => value.toFixed(2));

function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.replace(/\D+/g, '') ?? NaN) / 1024;
}

/** utime + stime of a process in seconds (fields 14 and 15 of /proc/<pid>/stat). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

function call(
  baseUrl: URL,
  path: string,
  body: unknown,
  timeoutMs: number,
): Promise<{ status: number; body: string }> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, baseUrl),
      {
        method: 'POST',
        agent: apiAgent,
        timeout: timeoutMs,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
          'x-api-key': adminKey,
        },
      },
      (res) => {
        let answer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (answer += chunk));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: answer });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${path} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(text);
  });
}

/** Runs `work(index)` for index 0..count-1 with at most `width` in flight; stops at `deadline`. */
async function inParallel(
  count: number,
  width: number,
  deadline: number,
  work: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count && performance.now() < deadline) {
        const index = next;
        next += 1;
        await work(index);
      }
    }),
  );
}

interface CommandStats {
  sent: number;
  succeeded: number;
  errors: number;
  failures: Record<string, number>;
  callers: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** `count` commands to random clusters, `callers` at a time; latency is POST /v1/commands → result. */
async function sendCommands(
  baseUrl: URL,
  targets: readonly { id: string }[],
  count: number,
  callers: number,
): Promise<CommandStats> {
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  const started = performance.now();
  await inParallel(count, callers, performance.now() + 120_000, async (index) => {
    const target = targets[Math.floor(Math.random() * targets.length)];
    if (target === undefined) return;
    const sent = performance.now();
    try {
      const answer = await call(
        baseUrl,
        '/v1/commands',
        { clusterId: target.id, args: ['get', 'pods', `n-${index}`] },
        30_000,
      );
      const status = answer.status === 200 ? (JSON.parse(answer.body) as { status?: unknown }).status : '';
      if (answer.status === 200 && status === 'succeeded') latencies.push(performance.now() - sent);
      else {
        const key = `${answer.status} ${String(status)}`;
        failures[key] = (failures[key] ?? 0) + 1;
      }
    } catch (error) {
      const key = error instanceof Error ? error.message : String(error);
      failures[key] = (failures[key] ?? 0) + 1;
    }
  });
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const errors = Object.values(failures).reduce((sum, n) => sum + n, 0);
  const round = (n: number): number => Number(n.toFixed(2));
  return {
    sent: latencies.length + errors,
    succeeded: latencies.length,
    errors,
    failures,
    callers,
    seconds: round(seconds),
    perSecond: Math.round(latencies.length / seconds),
    p50Ms: round(percentile(latencies, 0.5)),
    p95Ms: round(percentile(latencies, 0.95)),
    p99Ms: round(percentile(latencies, 0.99)),
    maxMs: round(latencies.at(-1) ?? NaN),
  };
}

interface Server {
  readonly pid: number;
  readonly url: URL;
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** The built server through bash so that `ulimit -n 65536` applies to it; `exec` keeps the pid. */
async function startServer(): Promise<Server> {
  const child = spawn('bash', ['-c', `${raiseFds} && exec "$0" "$1"`, process.execPath, serverMain], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      KUBENTLY_HOST: '127.0.0.1',
      KUBENTLY_PORT: '0',
      KUBENTLY_API_KEYS: `admin:${adminKey}:admin`,
      KUBENTLY_LOG_LEVEL: 'warn',
      KUBENTLY_AUDIT_MAX_RECORDS: '1000',
      // One key plays every caller: the in-flight limit would measure itself, not the relay.
      KUBENTLY_MAX_COMMANDS_IN_FLIGHT_PER_IDENTITY: '10000',
      ...(backend === 'redis' ? { KUBENTLY_REDIS_URL: redisUrl, KUBENTLY_REDIS_PREFIX: prefix } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let output = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const url = await new Promise<URL>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`server did not log "listening" within 20 s: ${output}`));
    }, 20_000);
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      partial += chunk;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (output.length < 20_000) output += `${line}\n`;
        try {
          const parsed = JSON.parse(line) as { msg?: unknown; url?: unknown };
          if (parsed.msg === 'listening' && typeof parsed.url === 'string') {
            clearTimeout(timer);
            resolve(new URL(parsed.url));
          }
        } catch {
          // not a JSON log line
        }
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${String(code)} before listening: ${output}`));
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('server has no pid');
  return {
    pid,
    url,
    exited,
    async stop() {
      child.kill('SIGTERM');
      const code = await Promise.race([exited, sleep(15_000).then(() => 'timeout' as const)]);
      if (code === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

async function deletePrefix(): Promise<number> {
  const client = new Redis(redisUrl);
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
  return deleted;
}

const watchdog = setTimeout(() => {
  console.error('bench/connections: aborted after 5 minutes');
  process.exit(2);
}, 300_000);
watchdog.unref();

const machine = {
  nproc: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
  node: process.version,
  benchFdLimit: fdLimit,
  loadAtStart: load(),
};
const counters: StreamCounters = {
  connected: 0,
  keepalives: 0,
  commands: 0,
  resultsPosted: 0,
  resultErrors: 0,
  streamErrors: 0,
};
const streams: ClientRequest[] = [];
let server: Server | undefined;
try {
  server = await startServer();
  const baseUrl = server.url;
  const rssStart = rssMiB(server.pid);
  const serverFdLimit =
    /Max open files\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/limits`, 'utf8'))?.[1] ?? '?';

  const clusters: { id: string; token: string }[] = [];
  const registerStarted = performance.now();
  let registerErrors = 0;
  await inParallel(streamCount, 32, performance.now() + 90_000, async (index) => {
    const id = `bench-conn-${index}`;
    try {
      const answer = await call(baseUrl, '/v1/clusters', { id }, 30_000);
      if (answer.status !== 201) throw new Error(`answered ${answer.status}: ${answer.body}`);
      const parsed = clusterTokenResponseSchema.parse(JSON.parse(answer.body));
      clusters.push({ id, token: parsed.token });
    } catch (error) {
      registerErrors += 1;
      if (registerErrors <= 3) console.error(`register ${id}: ${String(error)}`);
    }
  });
  const registerSeconds = (performance.now() - registerStarted) / 1000;
  console.error(`registered ${clusters.length} clusters in ${registerSeconds.toFixed(1)} s`);

  const connectStarted = performance.now();
  let connectErrors = 0;
  await inParallel(clusters.length, 256, performance.now() + 120_000, async (index) => {
    const cluster = clusters[index];
    if (cluster === undefined) return;
    try {
      streams.push(
        await openStream({
          baseUrl,
          token: cluster.token,
          executorId: randomUUID(),
          localAddress: sourceAddresses[index % sourceAddresses.length] ?? '127.0.0.1',
          resultAgent,
          counters,
        }),
      );
    } catch (error) {
      connectErrors += 1;
      if (connectErrors <= 3) console.error(`stream ${cluster.id}: ${String(error)}`);
    }
  });
  const connectSeconds = (performance.now() - connectStarted) / 1000;
  console.error(`${counters.connected} streams connected in ${connectSeconds.toFixed(1)} s`);

  await sleep(2_000);
  const rssConnected = rssMiB(server.pid);
  const keepalivesBefore = counters.keepalives;
  const cpuBefore = cpuSeconds(server.pid);
  const idleStarted = performance.now();
  await sleep(idleSeconds * 1000);
  const idleElapsed = (performance.now() - idleStarted) / 1000;
  const idleCpuPercent = ((cpuSeconds(server.pid) - cpuBefore) / idleElapsed) * 100;
  const idleKeepalives = counters.keepalives - keepalivesBefore;
  const rssIdle = rssMiB(server.pid);
  console.error(`idle: ${idleCpuPercent.toFixed(1)} % CPU, ${idleKeepalives} keepalives`);

  const connectedClusters = clusters.slice(0, streams.length);
  const sequential = await sendCommands(baseUrl, connectedClusters, sequentialCount, 1);
  const concurrent = await sendCommands(baseUrl, connectedClusters, commandCount, callerCount);
  const rssAfterCommands = rssMiB(server.pid);
  const snapshot = { ...counters };

  const result = {
    bench: 'connections',
    at: new Date().toISOString(),
    backend,
    machine: { ...machine, serverFdLimit, loadAtEnd: load() },
    streams: {
      requested: streamCount,
      registered: clusters.length,
      registerErrors,
      registerSeconds: Number(registerSeconds.toFixed(2)),
      connected: snapshot.connected,
      connectErrors,
      connectSeconds: Number(connectSeconds.toFixed(2)),
    },
    serverRssMiB: {
      start: Number(rssStart.toFixed(1)),
      connected: Number(rssConnected.toFixed(1)),
      afterIdle: Number(rssIdle.toFixed(1)),
      afterCommands: Number(rssAfterCommands.toFixed(1)),
    },
    benchRssMiB: Number((process.memoryUsage().rss / 2 ** 20).toFixed(1)),
    idle: {
      seconds: Number(idleElapsed.toFixed(2)),
      serverCpuPercent: Number(idleCpuPercent.toFixed(1)),
      keepalives: idleKeepalives,
    },
    sequential,
    concurrent,
    executorSide: snapshot,
  };

  console.log(
    `\nKubently connections - ${result.at}; ${machine.nproc} CPU (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}, fd limits bench ${machine.benchFdLimit} / server ${serverFdLimit}, load ${machine.loadAtStart.join(' ')} → ${result.machine.loadAtEnd.join(' ')}\n`,
  );
  console.log(
    '| backend | streams | connect s | server RSS MiB start → connected → after commands | idle CPU % (server) | keepalives in idle window |',
  );
  console.log('| --- | ---: | ---: | --- | ---: | ---: |');
  console.log(
    `| ${backend} | ${snapshot.connected} | ${result.streams.connectSeconds} | ${result.serverRssMiB.start} → ${result.serverRssMiB.connected} → ${result.serverRssMiB.afterCommands} | ${result.idle.serverCpuPercent} | ${idleKeepalives} in ${result.idle.seconds} s |`,
  );
  console.log(
    '\n| backend | streams connected | callers | commands | p50 ms | p95 ms | p99 ms | max ms | commands/s | errors |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const stats of [sequential, concurrent]) {
    console.log(
      `| ${backend} | ${snapshot.connected} | ${stats.callers} | ${stats.sent} | ${stats.p50Ms} | ${stats.p95Ms} | ${stats.p99Ms} | ${stats.maxMs} | ${stats.perSecond} | ${stats.errors} |`,
    );
    if (stats.errors > 0) console.log(`failures: ${JSON.stringify(stats.failures)}`);
  }
  console.log(
    `\nregistration: ${clusters.length} clusters in ${result.streams.registerSeconds} s (${registerErrors} errors); stream connect errors: ${connectErrors}; executor side: ${JSON.stringify(snapshot)}`,
  );
  const resultsDir = new URL('../results/', import.meta.url);
  mkdirSync(resultsDir, { recursive: true });
  const file = new URL(`connections-${backend}-${result.at.replace(/[:.]/g, '-')}.json`, resultsDir);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${file.pathname}`);
} finally {
  for (const stream of streams) stream.destroy();
  apiAgent.destroy();
  resultAgent.destroy();
  await server?.stop();
  if (backend === 'redis') console.error(`deleted ${await deletePrefix()} Redis keys under ${prefix}`);
  clearTimeout(watchdog);
}
