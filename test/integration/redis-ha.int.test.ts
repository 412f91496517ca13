import { cpus, loadavg } from 'node:os';

import { afterEach, describe, expect, it } from 'vitest';

import { createLightKubectl, reportLoad, startLoad } from './support/command-load.js';
import type { LoadReport } from './support/command-load.js';
import { connectExecutor, startServer } from './support/kubently.js';
import type { RunningServer } from './support/kubently.js';
import { stopAll } from './support/processes.js';
import { startRedisCluster, startSentinelSet } from './support/redis-topology.js';
import type { RedisClusterSet, SentinelSet } from './support/redis-topology.js';

/**
 * Redis high availability, live: two server replicas and two executors of one cluster under a
 * steady command load while the Redis primary is SIGKILLed. Sentinel (primary, replica, three
 * sentinels) or Redis Cluster (three primaries, three replicas) promotes the replica; the servers'
 * outage buffer holds the calls made meanwhile. Counted for every command: lost (accepted, never a
 * result nor a definite error), executed twice (one marker in the kubectl log twice), failed
 * definitely (with its error), and the time until commands flow again. Every process is local, on free ports, killed in teardown.
 */
const ratePerSecond = 10;
const loadBeforeMs = 3000;
const loadAfterMs = 10_000;

/** Allowed definite failures of a command caught by the kill: each says what happened. */
const definiteCodes = ['backend_unavailable', 'command_timeout', 'executor_error', 'executor_unavailable'];

const topologies: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  await stopAll();
  await Promise.all(topologies.splice(0).map((topology) => topology.stop()));
});

const replicaEnv = (url: string): Record<string, string> => ({
  KUBENTLY_REDIS_URL: url,
  KUBENTLY_REDIS_PREFIX: 'ha:',
  KUBENTLY_KEEPALIVE_SECONDS: '1',
  KUBENTLY_EXECUTOR_GRACE_MS: '5000',
  KUBENTLY_REDELIVERY_GRACE_MS: '3000',
  KUBENTLY_REDIS_OUTAGE_GRACE_MS: '15000',
  KUBENTLY_MAX_COMMANDS_IN_FLIGHT_PER_IDENTITY: '1000',
  KUBENTLY_MAX_QUEUED_COMMANDS_PER_CLUSTER: '1000',
  KUBENTLY_RATE_LIMITS: 'admin=100000',
  NODE_OPTIONS: '--unhandled-rejections=strict',
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` holds (bounded, never rejects: a measurement, not an assertion). */
const waitFor = async (check: () => Promise<boolean>): Promise<void> => {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await pause(50);
  }
};

/** Two replicas, two executors (one on each), load on both; `fault` runs mid-load. */
async function failoverUnderLoad(
  url: string,
  fault: () => Promise<void>,
): Promise<{ report: LoadReport; replicas: RunningServer[] }> {
  const a = await startServer(replicaEnv(url));
  const b = await startServer(replicaEnv(url));
  const clusterId = 'ha-load';
  const token = await a.api.addCluster(clusterId);
  const kubectl = createLightKubectl();
  const executorEnv = { KUBENTLY_MAX_BACKOFF_SECONDS: '1' };
  await connectExecutor(a, { clusterId, token, kubectl, env: executorEnv });
  await connectExecutor(b, { clusterId, token, kubectl, env: executorEnv }, 2);
  const load = startLoad({ targets: [a.api, b.api], clusterId, ratePerSecond });
  // Load runs on wall-clock time here by design: the fault lands mid-load, whatever the timing.
  await pause(loadBeforeMs);
  const faultAt = Date.now();
  await fault();
  await pause(loadAfterMs);
  const outcomes = await load.stop();
  const report = reportLoad(outcomes, kubectl.runs(), faultAt);
  for (const [name, replica] of [['A', a] as const, ['B', b] as const]) {
    const back = replica.process
      .logLines()
      .filter((line) => line.msg === 'Redis connection is back' && typeof line.timestamp === 'string')
      .map((line) => `${String(line.connection)} +${Date.parse(String(line.timestamp)) - faultAt} ms`);
    console.log(`replica ${name}: Redis connection back: ${back.join(', ') || 'no log line'}`);
  }
  return { report, replicas: [a, b] };
}

const printReport = (title: string, report: LoadReport): void => {
  const codes = new Map<string, number>();
  for (const failure of report.failedDefinitely) codes.set(failure.code, (codes.get(failure.code) ?? 0) + 1);
  console.log(
    [
      `${title}; load average ${loadavg()
        .map((value) => value.toFixed(1))
        .join(' ')} on ${cpus().length} CPUs`,
      `| | sent | succeeded | lost | executed twice | failed definitely | ran but told failed | commands flow again after | slowest answer near the fault | median answer before the fault |`,
      '|---|---|---|---|---|---|---|---|---|---|',
      `| | ${report.sent} | ${report.succeeded} | ${report.lost} | ${report.executedTwice} | ${report.failedDefinitely.length}${codes.size === 0 ? '' : ` (${[...codes].map(([code, count]) => `${code} ×${count}`).join(', ')})`} | ${report.ranButFailed} | ${report.recoveryMs ?? 'never'} ms | ${report.worstLatencyMs} ms | ${report.medianLatencyBeforeMs} ms |`,
      ...report.failedDefinitely.map((failure) => `  - ${failure.code}: ${failure.message}`),
    ].join('\n'),
  );
};

/**
 * Lost is 0 and every failure is definite: asserted. Executed twice is counted and printed but not
 * asserted: Redis replicates asynchronously, so a delivery (XREADGROUP) the dead primary had not
 * yet passed to its replica is undone by the failover and the command is handed out again. Seen
 * on Cluster (docs/decisions/0016-redis-high-availability.md, "Open: deliveries lost in a
 * failover"); the fix (WAIT for one replica after a claim) is not built yet.
 */
const expectNothingLost = (report: LoadReport): void => {
  expect(report.sent).toBeGreaterThan(((loadBeforeMs + loadAfterMs) / 1000) * ratePerSecond * 0.5);
  expect(report.lost).toBe(0);
  for (const failure of report.failedDefinitely) expect(definiteCodes).toContain(failure.code);
  expect(report.recoveryMs).not.toBeNull();
  // Every command ended: succeeded, or failed definitely with its error.
  expect(report.succeeded + report.failedDefinitely.length).toBe(report.sent);
};

describe('Redis HA under load', () => {
  it('Sentinel: the primary SIGKILLed mid-load; the sentinels promote the replica and commands flow again, none lost, every failure definite', async () => {
    const sentinel: SentinelSet = await startSentinelSet();
    topologies.push(sentinel);
    let promotedMs = -1;
    const { report } = await failoverUnderLoad(sentinel.url, async () => {
      const killedAt = Date.now();
      await sentinel.primary.kill();
      // Measured in the background: the time Redis itself needs, beside the time commands need.
      void waitFor(async () => (await sentinel.currentMasterPort()) === sentinel.replica.port).then(() => {
        promotedMs = Date.now() - killedAt;
      });
    });
    printReport(`Sentinel failover (replica promoted after ${promotedMs} ms)`, report);
    expect(await sentinel.currentMasterPort()).toBe(sentinel.replica.port);
    expectNothingLost(report);
  }, 180_000);

  it('Redis Cluster: the primary holding the cluster’s slot SIGKILLed mid-load; its replica takes over, none lost, every failure definite', async () => {
    const cluster: RedisClusterSet = await startRedisCluster();
    topologies.push(cluster);
    let victimPort = 0;
    let promotedMs = -1;
    const { report } = await failoverUnderLoad(cluster.url, async () => {
      // The slot of `{ha-load}`: the queue, presence and registry of the cluster under load.
      const victim = await cluster.primaryOfSlot(keySlotOf('ha-load'));
      victimPort = victim.port;
      const killedAt = Date.now();
      await victim.kill();
      void waitFor(async () => (await cluster.primaryOfSlot(keySlotOf('ha-load'))).port !== victimPort).then(
        () => {
          promotedMs = Date.now() - killedAt;
        },
      );
    });
    printReport(`Redis Cluster failover (replica promoted after ${promotedMs} ms)`, report);
    expect((await cluster.primaryOfSlot(keySlotOf('ha-load'))).port).not.toBe(victimPort);
    expectNothingLost(report);
  }, 180_000);
});

/** CRC16 (XMODEM) of the hash tag, mod 16384: Redis Cluster's key slot. */
const keySlotOf = (tag: string): number => {
  let crc = 0;
  for (const byte of Buffer.from(tag)) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16_384;
};
