import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { runCli } from '../src/run-cli.js';

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const runDir = await mkdtemp(join(tmpdir(), 'testbed-cli-'));
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: { KUBENTLY_TESTBED_RUN_DIR: runDir, PATH: '/usr/bin' },
  });
  return { code, stdout, stderr };
}

describe('testbed CLI', () => {
  it('prints usage and exits 2 without a command', async () => {
    const result = await cli([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('Usage: npm run testbed -- <command>');
  });

  it('names an unknown command', async () => {
    const result = await cli(['upp']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "upp"');
  });

  it('tells how to start a testbed when none runs', async () => {
    const result = await cli(['env']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no testbed running in .*; start one with `npm run testbed -- up`/);
    expect((await cli(['status'])).code).toBe(3);
    expect((await cli(['down'])).stdout).toContain('no testbed running');
  });

  it('rejects a bad node count before starting anything', async () => {
    const result = await cli(['up', '--nodes', 'three']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--nodes must be an integer from 1 to 50, got "three"');
  });

  it('lists the scenarios with their categories', async () => {
    const result = await cli(['scenario', 'list']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^image-pull-typo\s+image-pull$/m);
    expect(result.stdout).toMatch(/^healthy\s+none$/m);
  });

  it('confirms the committed stages file is current', async () => {
    const result = await cli(['stages', '--check']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
