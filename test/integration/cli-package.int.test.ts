import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `kubently` is installable (issue #13 item 1): scripts/pack-cli.ts packs the built CLI with the
 * internal packages bundled, `npm install -g` takes the tarball into an empty prefix, and its bin
 * runs from a directory outside the checkout, printing commands that work there.
 */
const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const version = (
  (await import('../../apps/cli/package.json', { with: { type: 'json' } })) as {
    default: { version: string };
  }
).default.version;

/** Node's directory (the bin's `#!/usr/bin/env node` needs it) and the system's, nothing of the checkout. */
const system = `${dirname(process.execPath)}:/usr/bin:/bin`;

describe('the packed CLI', { timeout: 600_000 }, () => {
  let work: string;
  let bin: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'kubently-package-'));
    const packed = await run('npx', ['tsx', 'scripts/pack-cli.ts', '--out', join(work, 'pack')], {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
    });
    const tarball = packed.stdout.trim();
    expect(tarball).toBe(join(work, 'pack', `kubently-${version}.tgz`));
    await run(
      'npm',
      ['install', '-g', '--prefix', join(work, 'prefix'), '--no-audit', '--no-fund', tarball],
      {
        cwd: work,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    bin = join(work, 'prefix', 'bin', 'kubently');
  }, 600_000);

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  const kubently = (args: readonly string[], path: string) =>
    run(bin, [...args], {
      cwd: work,
      env: { PATH: path, HOME: work, KUBENTLY_CONFIG_DIR: join(work, 'config') },
    });

  it('runs its bin from the global prefix', async () => {
    const { stdout } = await kubently(['--version'], `${join(work, 'prefix', 'bin')}:${system}`);
    expect(stdout).toBe(`kubently ${version}\n`);
    // The policy comes from the bundled @kubently/policy.
    const decided = await kubently(['policy', 'check', '--', 'get', 'secrets', '-A', '-o', 'yaml'], system);
    expect(JSON.parse(decided.stdout)).toMatchObject({ allowed: true, needsRedaction: true });
  });

  it('names itself `kubently` when on PATH, and by its absolute path when not', async () => {
    const onPath = await kubently(['help'], `${join(work, 'prefix', 'bin')}:${system}`);
    expect(onPath.stdout).toContain('\n  kubently up ');
    const offPath = await kubently(['help'], system);
    const script = join(work, 'prefix', 'lib', 'node_modules', 'kubently', 'bin', 'kubently.js');
    expect(offPath.stdout).toContain(`\n  ${process.execPath} ${script} up `);
  });
});
