import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { helmBinary, repositoryRoot, runCommand } from './support/helm.js';

/**
 * deploy/helm/build.sh: the cache key follows what determines the binary, --check never builds,
 * and the cached binary is the pinned Helm release. (Building cold takes minutes: that path is what
 * .ci/run and `helmBinary()` exercise; its duration is in the README.)
 */
let copy: string;
let emptyCache: string;

beforeAll(async () => {
  copy = await mkdtemp(join(tmpdir(), 'kubently-helm-script-'));
  emptyCache = await mkdtemp(join(tmpdir(), 'kubently-helm-cache-'));
  await cp(join(repositoryRoot, 'deploy/helm/build.sh'), join(copy, 'build.sh'));
  await cp(join(repositoryRoot, 'deploy/helm/tool'), join(copy, 'tool'), { recursive: true });
});
afterAll(async () => {
  await rm(copy, { recursive: true, force: true });
  await rm(emptyCache, { recursive: true, force: true });
});

const script = (args: string[], cache = emptyCache) =>
  runCommand('bash', [join(copy, 'build.sh'), ...args], {
    env: { ...process.env, KUBENTLY_HELM_CACHE: cache },
  });

describe('deploy/helm/build.sh', () => {
  it('keys the cache by go.mod, go.sum and the Go version', async () => {
    const key = await script(['--key']);
    expect(key.stdout.trim()).toMatch(/^[0-9a-f]{16}$/);
    const original = await runCommand('bash', [join(repositoryRoot, 'deploy/helm/build.sh'), '--key']);
    expect(key.stdout).toBe(original.stdout);
    const sum = join(copy, 'tool/go.sum');
    await writeFile(sum, `${await readFile(sum, 'utf8')}example.com/changed v1.0.0 h1:x=\n`);
    expect((await script(['--key'])).stdout).not.toBe(key.stdout);
  });

  it('--check on an empty cache exits 3 without building', async () => {
    const check = await script(['--check']);
    expect(check.code).toBe(3);
    expect(check.stdout).toBe('');
  });

  it('the cached binary is the pinned release', async () => {
    const helm = await helmBinary();
    expect(helm).toMatch(/kubently-helm\/[0-9a-f]{16}\/bin\/helm$/);
    const goMod = await readFile(join(repositoryRoot, 'deploy/helm/tool/go.mod'), 'utf8');
    const pinned = /helm\.sh\/helm\/v4 (v\d+\.\d+\.\d+)/.exec(goMod)?.[1];
    const version = await runCommand(helm, ['version', '--short']);
    expect(version.stdout.trim()).toBe(pinned);
  });
});
