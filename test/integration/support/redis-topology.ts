import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Redis } from 'ioredis';
import { z } from 'zod';

/**
 * Real Redis topologies for tests, as local processes on free ports in a temp dir, no persistence
 * (`--save "" --appendonly no`): a Sentinel set (primary, replica, three sentinels) and a Redis
 * Cluster (three primaries, three replicas). `stop()` kills every process it started and removes
 * the dir; nothing touches the machine's shared Redis.
 */
export interface RedisNode {
  readonly port: number;
  readonly role: string;
  /** SIGKILL and wait: no shutdown, no goodbye to the replicas. */
  kill(): Promise<void>;
  readonly isRunning: () => boolean;
}

const isPortFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => {
      resolve(false);
    });
    probe.listen(port, '127.0.0.1', () => {
      probe.close(() => {
        resolve(true);
      });
    });
  });

const anyFreePort = (): Promise<number> =>
  new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => {
        resolve(port);
      });
    });
  });

/** A free port whose cluster bus port (+10000) is free as well. */
const freeClusterPort = async (taken: Set<number>): Promise<number> => {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if (taken.has(port) || taken.has(port + 10_000)) continue;
    if ((await isPortFree(port)) && (await isPortFree(port + 10_000))) {
      taken.add(port);
      taken.add(port + 10_000);
      return port;
    }
  }
};

const freePort = async (taken: Set<number>): Promise<number> => {
  for (;;) {
    const port = await anyFreePort();
    if (!taken.has(port)) {
      taken.add(port);
      return port;
    }
  }
};

const masterAddressSchema = z.tuple([z.string(), z.string()]);
/** CLUSTER SLOTS: [from, to, [host, port, id, …] of the primary, …replicas]. */
const clusterSlotsSchema = z.array(
  z.tuple([z.number(), z.number(), z.tuple([z.string(), z.number()]).rest(z.unknown())]).rest(z.unknown()),
);

class Processes {
  readonly #children = new Set<ChildProcess>();

  async start(args: readonly string[], readyLine: RegExp, role: string, port: number): Promise<RedisNode> {
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#children.add(child);
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
        if (readyLine.test(output)) resolve();
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
      });
      child.once('exit', () => {
        reject(new Error(`redis-server ${args.join(' ')} exited:\n${output.slice(-2000)}`));
      });
    });
    const exited = new Promise<void>((resolve) => {
      child.once('exit', () => {
        resolve();
      });
    });
    return {
      port,
      role,
      isRunning: () => child.exitCode === null && child.signalCode === null,
      kill: async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
      },
    };
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      [...this.#children].map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => {
          child.once('exit', () => {
            resolve();
          });
        });
        child.kill('SIGCONT');
        child.kill('SIGKILL');
        await exited;
      }),
    );
    this.#children.clear();
  }
}

const serverArgs = (port: number, dir: string): string[] => [
  '--port',
  String(port),
  '--bind',
  '127.0.0.1',
  '--save',
  '',
  '--appendonly',
  'no',
  '--dir',
  dir,
  '--daemonize',
  'no',
];

/** Polls `check` every 50 ms (bounded); the topologies settle in a few seconds. */
const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`redis topology: ${what} not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

const withClient = async <T>(port: number, use: (client: Redis) => Promise<T>): Promise<T> => {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await use(client);
  } finally {
    client.disconnect();
  }
};

export interface SentinelSet {
  /** `redis+sentinel://127.0.0.1:<s1>,…/<master>`: what KUBENTLY_REDIS_URL gets. */
  readonly url: string;
  readonly masterName: string;
  readonly primary: RedisNode;
  readonly replica: RedisNode;
  readonly sentinels: readonly RedisNode[];
  /** The port the sentinels currently name as the master. */
  currentMasterPort(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * A primary, one replica and three sentinels (quorum 2) that declare the primary down after 1 s
 * of silence and fail over to the replica.
 */
export async function startSentinelSet(options: { downAfterMs?: number } = {}): Promise<SentinelSet> {
  const dir = mkdtempSync(join(tmpdir(), 'kubently-sentinel-'));
  const processes = new Processes();
  const taken = new Set<number>();
  const masterName = 'kubently-test';
  try {
    const primaryPort = await freePort(taken);
    const replicaPort = await freePort(taken);
    const ready = /Ready to accept connections/;
    const primary = await processes.start(serverArgs(primaryPort, dir), ready, 'primary', primaryPort);
    const replicaDir = join(dir, 'replica');
    mkdirSync(replicaDir);
    const replica = await processes.start(
      [...serverArgs(replicaPort, replicaDir), '--replicaof', '127.0.0.1', String(primaryPort)],
      ready,
      'replica',
      replicaPort,
    );
    await until('the replica in sync', () =>
      withClient(replicaPort, async (client) =>
        (await client.info('replication')).includes('master_link_status:up'),
      ),
    );
    const sentinels: RedisNode[] = [];
    for (let index = 0; index < 3; index += 1) {
      const port = await freePort(taken);
      const sentinelDir = join(dir, `sentinel-${index}`);
      mkdirSync(sentinelDir);
      const file = join(sentinelDir, 'sentinel.conf');
      writeFileSync(
        file,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${sentinelDir}`,
          `sentinel monitor ${masterName} 127.0.0.1 ${primaryPort} 2`,
          `sentinel down-after-milliseconds ${masterName} ${options.downAfterMs ?? 1000}`,
          `sentinel failover-timeout ${masterName} 10000`,
          `sentinel parallel-syncs ${masterName} 1`,
          '',
        ].join('\n'),
      );
      sentinels.push(await processes.start([file, '--sentinel'], /\+monitor master/, 'sentinel', port));
    }
    // Failover needs every sentinel to know the replica and a quorum of the others.
    for (const sentinel of sentinels) {
      await until('the sentinels to know the replica and each other', () =>
        withClient(sentinel.port, async (client) => {
          const replicas = z.array(z.unknown()).parse(await client.call('SENTINEL', 'REPLICAS', masterName));
          const others = z.array(z.unknown()).parse(await client.call('SENTINEL', 'SENTINELS', masterName));
          return replicas.length === 1 && others.length === 2;
        }),
      );
    }
    const currentMasterPort = async (): Promise<number> => {
      for (const sentinel of sentinels) {
        if (!sentinel.isRunning()) continue;
        const answer = masterAddressSchema.safeParse(
          await withClient(sentinel.port, (client) =>
            client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName),
          ),
        );
        if (answer.success) return Number(answer.data[1]);
      }
      throw new Error('no sentinel names a master');
    };
    return {
      url: `redis+sentinel://${sentinels.map((s) => `127.0.0.1:${s.port}`).join(',')}/${masterName}`,
      masterName,
      primary,
      replica,
      sentinels,
      currentMasterPort,
      stop: async () => {
        await processes.stopAll();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await processes.stopAll();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

export interface RedisClusterSet {
  /** `redis+cluster://127.0.0.1:<p1>,…`: what KUBENTLY_REDIS_URL gets. */
  readonly url: string;
  readonly nodes: readonly RedisNode[];
  /** The node currently serving `slot` as a primary. */
  primaryOfSlot(slot: number): Promise<RedisNode>;
  /** Waits until every running node reports cluster_state:ok. */
  waitHealthy(): Promise<void>;
  stop(): Promise<void>;
}

/** Three primaries and one replica each (1 s node timeout), slots spread by `redis-cli --cluster create`. */
export async function startRedisCluster(options: { replicas?: 0 | 1 } = {}): Promise<RedisClusterSet> {
  const replicas = options.replicas ?? 1;
  const dir = mkdtempSync(join(tmpdir(), 'kubently-cluster-'));
  const processes = new Processes();
  const taken = new Set<number>();
  try {
    const nodes: RedisNode[] = [];
    for (let index = 0; index < 3 * (1 + replicas); index += 1) {
      const port = await freeClusterPort(taken);
      const nodeDir = join(dir, `node-${index}`);
      mkdirSync(nodeDir);
      nodes.push(
        await processes.start(
          [
            ...serverArgs(port, nodeDir),
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            join(nodeDir, 'nodes.conf'),
            '--cluster-node-timeout',
            '1000',
          ],
          /Ready to accept connections/,
          'cluster-node',
          port,
        ),
      );
    }
    await new Promise<void>((resolve, reject) => {
      const create = spawn(
        'redis-cli',
        [
          '--cluster',
          'create',
          ...nodes.map((node) => `127.0.0.1:${node.port}`),
          '--cluster-replicas',
          String(replicas),
          '--cluster-yes',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      create.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      create.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      create.once('exit', (code) => {
        if (code === 0) resolve();
        else reject(new Error(`redis-cli --cluster create failed:\n${output}`));
      });
    });
    const waitHealthy = async (): Promise<void> => {
      for (const node of nodes.filter((candidate) => candidate.isRunning())) {
        await until('cluster_state:ok on every node', () =>
          withClient(node.port, async (client) =>
            z
              .string()
              .parse(await client.call('CLUSTER', 'INFO'))
              .includes('cluster_state:ok'),
          ),
        );
      }
    };
    await waitHealthy();
    if (replicas === 1) {
      await until('every replica in sync', async () => {
        let synced = 0;
        for (const node of nodes) {
          const info = await withClient(node.port, (client) => client.info('replication'));
          if (info.includes('master_link_status:up')) synced += 1;
        }
        return synced === 3;
      });
    }
    const primaryOfSlot = async (slot: number): Promise<RedisNode> => {
      for (const node of nodes.filter((candidate) => candidate.isRunning())) {
        const shards = clusterSlotsSchema.parse(
          await withClient(node.port, (client) => client.call('CLUSTER', 'SLOTS')),
        );
        const owner = shards.find(([from, to]) => slot >= from && slot <= to);
        const port = owner?.[2][1];
        const found = nodes.find((candidate) => candidate.port === port);
        if (found !== undefined) return found;
      }
      throw new Error(`no node serves slot ${slot}`);
    };
    return {
      url: `redis+cluster://${nodes.map((node) => `127.0.0.1:${node.port}`).join(',')}`,
      nodes,
      primaryOfSlot,
      waitHealthy,
      stop: async () => {
        await processes.stopAll();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await processes.stopAll();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
