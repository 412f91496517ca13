/**
 * Relay benchmark across replicas (`npx tsx bench/relay/run-scaled.ts --backend redis --replicas 2`,
 * after `npm run build`): N built server replicas (memory needs --replicas 1; redis uses the machine's
 * Redis at 127.0.0.1:6379 under a fresh key prefix, deleted afterwards), one built executor on
 * replica 0 with /bin/echo as kubectl, and callers spread round robin over every replica, so with
 * two replicas half the commands cross Redis twice (enqueue wake-up, finished wake-up). Prints
 * sequential p50/p95/p99 and throughput. Flags: --backend memory|redis, --replicas N (1),
 * --sequential N (500), --callers N (32), --seconds S (5), --concurrency N (8).
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';

import { Redis } from 'ioredis';

import { connectExecutor, startServer } from '../../test/integration/support/kubently.js';
import type { RunningServer } from '../../test/integration/support/kubently.js';
import { stopAll } from '../../test/integration/support/processes.js';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'memory' },
    replicas: { type: 'string', default: '1' },
    sequential: { type: 'string', default: '500' },
    callers: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '8' },
  },
});
const backend = values.backend;
const replicaCount = Number(values.replicas);
if (backend !== 'memory' && backend !== 'redis') throw new Error('--backend must be memory or redis');
if (backend === 'memory' && replicaCount !== 1)
  throw new Error('the memory backend serves one replica; use --backend redis for --replicas > 1');
const redisUrl = 'redis://127.0.0.1:6379';
const prefix = `kubently-bench:${randomUUID()}:`;
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

const percentile = (sorted: number[], q: number): number =>
  sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;

const env: Record<string, string> = {
  KUBENTLY_LOG_LEVEL: 'warn',
  KUBENTLY_AUDIT_MAX_RECORDS: '1000',
  // One key plays every caller: the in-flight limit would measure itself, not the relay.
  KUBENTLY_MAX_COMMANDS_IN_FLIGHT_PER_IDENTITY: '10000',
  ...(backend === 'redis' ? { KUBENTLY_REDIS_URL: redisUrl, KUBENTLY_REDIS_PREFIX: prefix } : {}),
};
const loadAtStart = loadavg().map((value) => value.toFixed(2));
try {
  const replicas: RunningServer[] = [];
  for (let index = 0; index < replicaCount; index += 1) replicas.push(await startServer(env));
  const first = replicas[0];
  if (first === undefined) throw new Error('--replicas must be at least 1');
  const clusterId = 'bench-scaled';
  const token = await first.api.addCluster(clusterId);
  await connectExecutor(first, {
    clusterId,
    token,
    kubectl: { path: '/bin/echo', logFile: '', invocations: () => [] },
    env: { LOG_LEVEL: 'warn', KUBENTLY_MAX_CONCURRENCY: values.concurrency },
  });
  const replicaFor = (index: number): RunningServer => replicas[index % replicas.length] ?? first;
  for (let index = 0; index < 40; index += 1)
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
  const deadline = performance.now() + Number(values.seconds) * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async (_, caller) => {
      for (let index = 0; performance.now() < deadline; index += 1) {
        if ((await runCommand(replicaFor(caller), clusterId, `tp-${caller}-${index}`)) === 200)
          completed += 1;
        else errors += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `\nKubently relay across replicas - ${new Date().toISOString()}; ${cpus().length} CPU, load ${loadAtStart.join(' ')} → ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')}\n`,
  );
  console.log(
    '| backend | replicas | sequential n | p50 ms | p95 ms | p99 ms | callers | commands/s | errors |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  console.log(
    `| ${backend} | ${replicaCount} | ${latencies.length} | ${percentile(latencies, 0.5).toFixed(2)} | ${percentile(latencies, 0.95).toFixed(2)} | ${percentile(latencies, 0.99).toFixed(2)} | ${callers} | ${(completed / seconds).toFixed(0)} | ${errors} |`,
  );
} finally {
  await stopAll();
  agent.destroy();
  if (backend === 'redis') {
    const client = new Redis(redisUrl);
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== '0');
    client.disconnect();
  }
}
