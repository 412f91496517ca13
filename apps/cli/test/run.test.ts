import { readFile } from 'node:fs/promises';

import { describe, expect, it } from 'vitest';

import { commands } from '../src/commands/index.js';
import { run } from '../src/run.js';
import { cliVersion } from '../src/version.js';
import { createTestIo } from './support/test-io.js';

describe('run: help, version and dispatch', () => {
  it('prints the version of package.json', async () => {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(cliVersion).toBe(pkg.version);
    const io = createTestIo();
    expect(await run(['--version'], io)).toBe(0);
    expect(io.out()).toBe(`kubently ${pkg.version}\n`);
  });

  it('lists every command of the table and the exit codes in --help', async () => {
    const io = createTestIo();
    expect(await run(['--help'], io)).toBe(0);
    for (const command of commands) expect(io.out()).toContain(`  ${command.path.join(' ')}`);
    expect(io.out()).toContain('124  the command timed out');
  });

  it('prints help and exits 2 without a command', async () => {
    const io = createTestIo();
    expect(await run([], io)).toBe(2);
    expect(io.out()).toContain('Usage: kubently <command>');
  });

  it.each(commands.map((command) => [command.path.join(' ')]))(
    '`kubently %s --help` prints its usage',
    async (path) => {
      const io = createTestIo();
      expect(await run([...path.split(' '), '--help'], io)).toBe(0);
      expect(io.out()).toMatch(new RegExp(`^Usage: kubently ${path}`));
    },
  );

  it('shows a group help for `kubently clusters`', async () => {
    const io = createTestIo();
    expect(await run(['clusters', '--help'], io)).toBe(0);
    expect(io.out()).toContain('clusters rotate-token');
  });

  it('treats --help after `--` as a kubectl argument, not a help request', async () => {
    const io = createTestIo();
    const code = await run(['policy', 'check', '--', 'get', 'pods', '--help'], io);
    expect(io.out()).toContain('"allowed"');
    expect([0, 3]).toContain(code);
  });

  it('rejects unknown commands and flags with exit 2 and a hint', async () => {
    const unknown = createTestIo();
    expect(await run(['frobnicate'], unknown)).toBe(2);
    expect(unknown.err()).toContain('unknown command "frobnicate"');
    const flag = createTestIo();
    expect(await run(['exec', 'prod', '-A'], flag)).toBe(2);
    expect(flag.err()).toContain('kubectl arguments go after `--`');
  });

  it('rejects bad flag values before any network call', async () => {
    const io = createTestIo({ env: { KUBENTLY_CONFIG_DIR: '/nonexistent-kubently' } });
    expect(await run(['exec', 'prod', '--timeout', '0', '--', 'get', 'pods'], io)).toBe(2);
    expect(io.err()).toContain('--timeout must be a whole number from 1 to 300');
    for (const args of [
      ['clusters', 'add', 'Bad_Name'],
      ['exec', 'UPPER', '--', 'get', 'pods'],
      ['up', '--cluster', 'no spaces'],
      ['up', '--mode', 'fullAccess'],
      ['up', '--port', '-1'],
    ]) {
      const invalid = createTestIo({ env: { KUBENTLY_CONFIG_DIR: '/nonexistent-kubently' } });
      expect(await run(args, invalid), args.join(' ')).toBe(2);
      expect(invalid.err()).toMatch(/invalid cluster id|--mode must be|--port must be|port/);
    }
    const since = createTestIo({ env: { KUBENTLY_CONFIG_DIR: '/nonexistent-kubently' } });
    expect(await run(['audit', '--since', 'yesterday'], since)).toBe(2);
    expect(since.err()).toContain('--since must be a duration');
  });
});
