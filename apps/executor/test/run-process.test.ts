import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { runProcess } from '../src/runner/run-process.js';
import { createFakeKubectl } from '../../../test/fixtures/fake-kubectl.js';

const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

/** Alive and not a zombie (an orphan's zombie may linger where pid 1 does not reap). */
function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('runProcess', () => {
  const kubectl = createFakeKubectl();
  const base = { file: kubectl.path, env, timeoutMs: 10_000, maxOutputBytes: 1024 * 1024, killGraceMs: 500 };

  it('returns the exit code and both streams', async () => {
    const outcome = await runProcess({ ...base, args: ['get', 'pods', 'fake-exit-3'] });
    expect(outcome).toMatchObject({
      exitCode: 3,
      exitSignal: null,
      truncated: false,
      killedFor: null,
      spawnError: null,
    });
    expect(outcome.stderr.toString()).toBe('fake failure\n');
  });

  it('kills the whole process group at the timeout', async () => {
    const outcome = await runProcess({
      ...base,
      args: ['get', 'pods', 'fake-group-sleep-30'],
      timeoutMs: 1000,
    });
    expect(outcome.killedFor).toBe('timeout');
    const invocation = kubectl.invocations().find((entry) => entry.argv.includes('fake-group-sleep-30'));
    expect(invocation?.grandchildPid).toBeTypeOf('number');
    expect(isAlive(invocation!.grandchildPid!)).toBe(false);
  });

  it('does not hang when kubectl exits but a child it left holds its output open', async () => {
    const outcome = await runProcess({ ...base, args: ['get', 'pods', 'fake-orphan-30'] });
    expect(outcome).toMatchObject({ killedFor: 'lingering', exitCode: 0 });
    const invocation = kubectl.invocations().find((entry) => entry.argv.includes('fake-orphan-30'));
    expect(isAlive(invocation!.grandchildPid!)).toBe(false);
  });

  it('keeps at most maxOutputBytes and flags truncation', async () => {
    const outcome = await runProcess({
      ...base,
      args: ['get', 'pods', 'fake-lots-3000'],
      maxOutputBytes: 1000,
    });
    expect(outcome.stdout.length).toBe(1000);
    expect(outcome.truncated).toBe(true);
    expect(outcome.exitCode).toBe(0);
  });

  it('kills a process that produces far more than the cap', async () => {
    const outcome = await runProcess({
      ...base,
      args: ['get', 'pods', 'fake-lots-50000000'],
      maxOutputBytes: 1000,
    });
    expect(outcome.killedFor).toBe('output');
    expect(outcome.stdout.length).toBe(1000);
  });

  it('reports a binary that does not exist as a spawn error', async () => {
    const outcome = await runProcess({ ...base, file: '/nonexistent/kubectl', args: ['get', 'pods'] });
    expect(outcome.spawnError?.message).toMatch(/ENOENT/);
    expect(outcome.exitCode).toBeNull();
  });

  it('runs without a shell: metacharacters reach the program verbatim', async () => {
    const outcome = await runProcess({ ...base, args: ['get', 'pods', '$(touch /tmp/pwned)', ';', '|'] });
    expect(JSON.parse(outcome.stdout.toString())).toEqual({
      argv: ['get', 'pods', '$(touch /tmp/pwned)', ';', '|'],
    });
  });

  it('passes only the given environment', async () => {
    await runProcess({ ...base, args: ['get', 'pods', 'env-probe'] });
    const invocation = kubectl.invocations().find((entry) => entry.argv.includes('env-probe'));
    expect(invocation?.envKeys.filter((key) => !['PWD', 'SHLVL', '_'].includes(key))).toEqual(['PATH']);
  });
});
