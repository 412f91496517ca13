import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { commandResponseSchema } from '@kubently/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createFakeKubectl } from '../fixtures/fake-kubectl.js';
import { Api } from '../integration/support/kubently.js';
import { spawnNode, stopAll } from '../integration/support/processes.js';

/**
 * What the Dockerfiles copy (deploy/docker/bundle.sh, production dependencies only), started with
 * nothing else reachable: the bundle sits in a fresh temp dir (no parent node_modules), PATH is an
 * empty directory, and every file is read-only (the images run with a read-only root filesystem).
 */
const execFileAsync = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const adminKey = `admin-${randomBytes(16).toString('hex')}`;
const redisPrefix = `kubently-bundle-${randomBytes(6).toString('hex')}:`;

let work: string;
const bundles: Record<'server' | 'executor', string> = { server: '', executor: '' };

async function bundle(app: 'server' | 'executor'): Promise<string> {
  const out = join(work, app);
  await execFileAsync('bash', [join(root, 'deploy/docker/bundle.sh'), app, out], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  });
  return out;
}

async function packageNames(bundleDir: string): Promise<string[]> {
  const modules = join(bundleDir, 'node_modules');
  const names: string[] = [];
  for (const entry of await readdir(modules)) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) {
      for (const scoped of await readdir(join(modules, entry))) names.push(`${entry}/${scoped}`);
    } else names.push(entry);
  }
  return names;
}

async function makeReadOnly(dir: string): Promise<void> {
  await execFileAsync('chmod', ['-R', 'a-w', dir]);
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kubently-bundle-'));
  bundles.server = await bundle('server');
  bundles.executor = await bundle('executor');
  await makeReadOnly(bundles.server);
  await makeReadOnly(bundles.executor);
}, 300_000);

afterAll(async () => {
  await stopAll();
  await execFileAsync('chmod', ['-R', 'u+w', work]);
  await rm(work, { recursive: true, force: true });
  await execFileAsync('redis-cli', [
    '-h',
    '127.0.0.1',
    'eval',
    `for _,k in ipairs(redis.call('keys', ARGV[1])) do redis.call('del', k) end`,
    '0',
    `${redisPrefix}*`,
  ]);
});

describe('production bundles (what the images contain)', () => {
  it('hold production dependencies only, and the executor none of the server', async () => {
    const rootPackage = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    const dev = Object.keys(rootPackage.devDependencies);
    const server = await packageNames(bundles.server);
    const executor = await packageNames(bundles.executor);
    for (const names of [server, executor]) {
      expect(names.filter((name) => dev.includes(name) || name.startsWith('@types/'))).toEqual([]);
      expect(names).not.toContain('@kubently/testbed');
      expect(names).not.toContain('@kubently/cli');
    }
    expect(server).toEqual(expect.arrayContaining(['hono', 'ioredis', '@kubently/agent', 'zod']));
    expect(executor).toEqual(expect.arrayContaining(['pino', 'yaml', '@kubently/policy']));
    expect(
      executor.filter((name) => ['hono', 'ioredis', '@kubently/server', '@kubently/agent'].includes(name)),
    ).toEqual([]);
  });

  it('ship compiled JavaScript only (no TypeScript sources, no declarations)', async () => {
    const { stdout } = await execFileAsync('find', [
      work,
      '-path',
      '*/node_modules',
      '-prune',
      '-o',
      '-type',
      'f',
      '-print',
    ]);
    const files = stdout.trim().split('\n');
    expect(files.filter((file) => /\.(ts|tsx)$/.test(file))).toEqual([]);
    expect(files.some((file) => file.endsWith('apps/server/dist/main.js'))).toBe(true);
    expect(files.some((file) => file.endsWith('apps/executor/dist/main.js'))).toBe(true);
    await expect(stat(join(bundles.executor, 'apps/server'))).rejects.toThrow(/ENOENT/);
    await expect(stat(join(bundles.server, 'apps/cli'))).rejects.toThrow(/ENOENT/);
  });

  it('start the server (on Redis) and the executor with nothing else on the path, and relay a command', async () => {
    const emptyPath = await mkdtemp(join(work, 'empty-path-'));
    await chmod(emptyPath, 0o555);
    const home = await mkdtemp(join(tmpdir(), 'kubently-bundle-home-'));
    const server = spawnNode(join(bundles.server, 'apps/server/dist/main.js'), {
      PATH: emptyPath,
      HOME: home,
      KUBENTLY_HOST: '127.0.0.1',
      KUBENTLY_PORT: '0',
      KUBENTLY_API_KEYS: `admin:${adminKey}:admin`,
      KUBENTLY_REDIS_URL: 'redis://127.0.0.1:6379',
      KUBENTLY_REDIS_PREFIX: redisPrefix,
    });
    const listening = await server.waitForLog(
      (line) => line.msg === 'listening' && typeof line.url === 'string',
    );
    const api = new Api(listening.url as string, adminKey);
    const ready = await api.get('/readyz');
    expect(ready.status, JSON.stringify(ready.body)).toBe(200);

    const token = await api.addCluster('bundle');
    const kubectl = createFakeKubectl();
    spawnNode(join(bundles.executor, 'apps/executor/dist/main.js'), {
      PATH: emptyPath,
      HOME: home,
      TMPDIR: home,
      KUBENTLY_API_URL: api.url,
      CLUSTER_ID: 'bundle',
      KUBENTLY_TOKEN: token,
      KUBENTLY_KUBECTL: kubectl.path,
    });
    await api.waitForExecutors('bundle');
    const answer = await api.post('/v1/commands', { clusterId: 'bundle', args: ['get', 'pods', '-A'] });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const response = commandResponseSchema.parse(answer.body);
    expect(response.status).toBe('succeeded');
    expect(JSON.parse(response.stdout ?? '{}')).toEqual({ argv: ['get', 'pods', '-A'] });
    await rm(home, { recursive: true, force: true });
  });
});
