/**
 * Redis topologies side by side (`npx tsx bench/redis-ha/run.ts`, after `npm run build`): the same
 * relay load through one private Redis, a Sentinel set (primary, replica, three sentinels) and a
 * Redis Cluster (three primaries, three replicas), all local processes on free ports, started and
 * killed by this script (the machine's shared Redis is not touched). Per topology: two built server
 * replicas, one built executor with a shell `printf` as kubectl (createLightKubectl), callers round robin over both replicas.
 * Prints sequential p50/p99 and throughput with the machine, its load average and the commit.
 * Flags: --sequential N (200), --callers N (16), --seconds S (5).
 */
import { execFileSync } from 'node:child_process';
import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';

import { clusterListSchema } from '@kubently/protocol';

import { createLightKubectl } from '../../test/integration/support/command-load.js';
import { startExecutor, startServer } from '../../test/integration/support/kubently.js';
import type { RunningServer } from '../../test/integration/support/kubently.js';
import { eventually, stopAll } from '../../test/integration/support/processes.js';
import { createPrivateRedis } from '../../test/integration/support/redis-server.js';
import { startRedisCluster, startSentinelSet } from '../../test/integration/support/redis-topology.js';

const { values } = parseArgs({
  options: {
    sequential: { type: 'string', default: '200' },
    callers: { type: 'string', default: '16' },
    seconds: { type: 'string', default: '5' },
  },
});
const callers = Number(values.callers);
const agent = new Agent({ keepAlive: true, maxSockets: callers + 4 });

function runCommand(server: RunningServer, clusterId: string, marker: string): Promise<number> {
  const body = JSON.stringify({ clusterId, args: ['get', 'pods', marker] });
  return new Promise((resolve, reject) => {
    const req = request(
      new URL('/v1/commands', server.url),
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
        res.resume();
        res.on('end', () => {
          resolve(res.statusCode ?? 0);
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const percentile = (sorted: readonly number[], q: number): number =>
  sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;

interface Row {
  readonly topology: string;
  readonly sequential: number;
  readonly p50: number;
  readonly p99: number;
  readonly perSecond: number;
  readonly errors: number;
}

async function measure(topology: string, url: string): Promise<Row> {
  const env = {
    KUBENTLY_LOG_LEVEL: 'warn',
    KUBENTLY_AUDIT_MAX_RECORDS: '1000',
    KUBENTLY_MAX_COMMANDS_IN_FLIGHT_PER_IDENTITY: '10000',
    KUBENTLY_RATE_LIMITS: 'admin=1000000',
    KUBENTLY_REDIS_URL: url,
    KUBENTLY_REDIS_PREFIX: 'bench:',
  };
  try {
    const replicas = [await startServer(env), await startServer(env)] as const;
    const [first] = replicas;
    const clusterId = 'bench-ha';
    const token = await first.api.addCluster(clusterId);
    const executor = startExecutor({
      apiUrl: first.url,
      clusterId,
      token,
      kubectl: createLightKubectl(),
      env: { LOG_LEVEL: 'warn', KUBENTLY_MAX_CONCURRENCY: '8' },
    });
    // A loaded shared machine can take a while to start a process: wait up to 3 minutes.
    await eventually(async () => {
      const answer = await first.api.get('/v1/clusters');
      const cluster = clusterListSchema.parse(answer.body).clusters.find((entry) => entry.id === clusterId);
      return cluster?.connected === true ? true : undefined;
    }, 180_000).catch((error: unknown) => {
      throw new Error(`the executor did not connect: ${String(error)}\n${executor.output().slice(-2000)}`);
    });
    const replicaFor = (index: number): RunningServer => replicas[index % 2] ?? first;
    for (let index = 0; index < 20; index += 1)
      await runCommand(replicaFor(index), clusterId, `warmup-${index}`);
    const latencies: number[] = [];
    let errors = 0;
    for (let index = 0; index < Number(values.sequential); index += 1) {
      const started = process.hrtime.bigint();
      if ((await runCommand(replicaFor(index), clusterId, `seq-${index}`)) !== 200) errors += 1;
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    latencies.sort((a, b) => a - b);
    let completed = 0;
    const started = performance.now();
    const deadline = started + Number(values.seconds) * 1000;
    await Promise.all(
      Array.from({ length: callers }, async (_, caller) => {
        for (let index = 0; performance.now() < deadline; index += 1) {
          if ((await runCommand(replicaFor(caller), clusterId, `tp-${caller}-${index}`)) === 200)
            completed += 1;
          else errors += 1;
        }
      }),
    );
    return {
      topology,
      sequential: latencies.length,
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      perSecond: completed / ((performance.now() - started) / 1000),
      errors,
    };
  } finally {
    await stopAll();
  }
}

const load = (): string =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
const loadAtStart = load();
const rows: Row[] = [];
try {
  const single = await createPrivateRedis({ appendOnly: false });
  await single.start();
  try {
    rows.push(await measure('single Redis', single.url));
  } finally {
    await single.stop();
  }
  const sentinel = await startSentinelSet();
  try {
    rows.push(await measure('Sentinel (primary + replica, 3 sentinels)', sentinel.url));
  } finally {
    await sentinel.stop();
  }
  const cluster = await startRedisCluster();
  try {
    rows.push(await measure('Redis Cluster (3 primaries + 3 replicas)', cluster.url));
  } finally {
    await cluster.stop();
  }
} finally {
  agent.destroy();
}
console.log(
  `\nKubently through Redis topologies - ${new Date().toISOString()}; commit ${commit}; ${cpus().length} CPU (${cpus()[0]?.model ?? 'unknown'}), load ${loadAtStart} → ${load()}\n`,
);
console.log('| topology | sequential n | p50 ms | p99 ms | callers | commands/s | errors |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows)
  console.log(
    `| ${row.topology} | ${row.sequential} | ${row.p50.toFixed(2)} | ${row.p99.toFixed(2)} | ${callers} | ${row.perSecond.toFixed(0)} | ${row.errors} |`,
  );
