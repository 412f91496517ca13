import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { evaluate } from '@kubently/policy';
import type { PolicyConfig } from '@kubently/policy';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { PolicyWatcher, readPolicyFile } from '../src/policy/index.js';
import { createPolicyInForce } from '../src/policy/index.js';

import { z } from 'zod';

/** A JSON log line as pino writes it. */
const logLineSchema = z.record(z.string(), z.unknown());

const overrides = { mode: undefined, fullAccessAcknowledged: false };
const readOnly = 'mode: readOnly\n';
const restricted = 'mode: readOnly\nrestrictedResources: [configmaps]\n';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'kubently-policy-watch-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** A logger whose JSON lines are kept. */
function recordingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => lines.push(logLineSchema.parse(JSON.parse(line))) },
  );
  return { logger, lines };
}

/** A sleep the test releases one interval at a time (no real timer). */
function manualSleep() {
  const waiting: (() => void)[] = [];
  let asked = 0;
  let notify: (() => void) | null = null;
  const sleep = (_ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      asked += 1;
      waiting.push(resolve);
      signal?.addEventListener(
        'abort',
        () => {
          reject(new Error('aborted'));
        },
        { once: true },
      );
      notify?.();
    });
  /** Waits until the watcher sleeps for the n-th time. */
  const sleeping = (n: number): Promise<void> =>
    new Promise<void>((resolve) => {
      notify = () => {
        if (asked >= n) resolve();
      };
      notify();
    });
  const wake = (): void => {
    waiting.shift()?.();
  };
  return { sleep, sleeping, wake };
}

function watcherOn(file: string, readText?: (file: string) => Promise<string>) {
  const { logger, lines } = recordingLogger();
  const reloads: [PolicyConfig, PolicyConfig][] = [];
  const watcher = new PolicyWatcher({
    file,
    initial: readPolicyFile(file, overrides),
    overrides,
    intervalMs: 10_000,
    sleep: () => Promise.resolve(),
    logger,
    onReload: (policy, previous) => reloads.push([policy, previous]),
    signal: new AbortController().signal,
    ...(readText === undefined ? {} : { readText }),
  });
  return { watcher, lines, reloads };
}

const allowsConfigmaps = (policy: PolicyConfig): boolean => evaluate(['get', 'configmaps'], policy).allowed;

describe('PolicyWatcher', () => {
  it('reloads a changed valid file: the new policy is in force, one log line names both modes', async () => {
    const file = join(directory, 'policy.yaml');
    await writeFile(file, readOnly);
    const { watcher, lines, reloads } = watcherOn(file);
    expect(allowsConfigmaps(watcher.current)).toBe(true);
    await writeFile(file, 'mode: extendedReadOnly\nrestrictedResources: [configmaps]\n');
    await watcher.check();
    expect(allowsConfigmaps(watcher.current)).toBe(false);
    expect(watcher.current.mode).toBe('extendedReadOnly');
    expect(watcher.problem).toBeNull();
    expect(reloads.map(([policy, previous]) => [previous.mode, policy.mode])).toEqual([
      ['readOnly', 'extendedReadOnly'],
    ]);
    expect(lines.filter((line) => line.level === 30)).toEqual([
      expect.objectContaining({ policyFile: file, oldMode: 'readOnly', newMode: 'extendedReadOnly' }),
    ]);
  });

  it('does nothing while the content is the same', async () => {
    const file = join(directory, 'policy.yaml');
    await writeFile(file, restricted);
    const { watcher, lines, reloads } = watcherOn(file);
    const before = watcher.current;
    await writeFile(file, restricted);
    await watcher.check();
    await watcher.check();
    expect(watcher.current).toBe(before);
    expect(reloads).toEqual([]);
    expect(lines).toEqual([]);
  });

  it.each([
    ['bad YAML', (file: string) => writeFile(file, 'mode: [readOnly\n'), /not valid JSON\/YAML/],
    ['a schema error', (file: string) => writeFile(file, 'mode: everything\n'), /KUBENTLY_POLICY_FILE/],
    ['a deleted file', (file: string) => rm(file), /cannot read .*ENOENT/],
  ])(
    'keeps the last valid policy on %s: not ready with the reason, one error line per change',
    async (_, spoil, reason) => {
      const file = join(directory, 'policy.yaml');
      await writeFile(file, restricted);
      const { watcher, lines, reloads } = watcherOn(file);
      const before = watcher.current;
      await spoil(file);
      await watcher.check();
      await watcher.check();
      await watcher.check();
      expect(watcher.current).toBe(before);
      expect(allowsConfigmaps(watcher.current)).toBe(false);
      expect(reloads).toEqual([]);
      expect(watcher.problem).toMatch(reason);
      expect(watcher.problem).toContain('the last valid policy (readOnly) stays in force');
      const errors = lines.filter((line) => line.level === 50);
      expect(errors).toHaveLength(1);
      expect(errors[0]?.policyFile).toBe(file);
      expect(String(errors[0]?.problem)).toMatch(reason);

      // Fixed with the content in force: ready again, no reload.
      await writeFile(file, restricted);
      await watcher.check();
      expect(watcher.problem).toBeNull();
      expect(reloads).toEqual([]);
      // Another bad content is another change: one more error line.
      await writeFile(file, 'mode: 42\n');
      await watcher.check();
      await watcher.check();
      expect(lines.filter((line) => line.level === 50)).toHaveLength(2);
    },
  );

  it('follows a ConfigMap update: the file is a symlink through a ..data symlink that is swapped', async () => {
    // The layout the kubelet writes: <dir>/..<timestamp>/policy.yaml, ..data -> ..<timestamp>,
    // policy.yaml -> ..data/policy.yaml; an update writes a new timestamped directory and renames
    // a new ..data symlink over the old one.
    const first = join(directory, '..2026_12_03_16_00_00.000000001');
    await mkdir(first);
    await writeFile(join(first, 'policy.yaml'), readOnly);
    await symlink('..2026_12_03_16_00_00.000000001', join(directory, '..data'));
    const file = join(directory, 'policy.yaml');
    await symlink('..data/policy.yaml', file);
    const { watcher, reloads } = watcherOn(file);
    expect(allowsConfigmaps(watcher.current)).toBe(true);

    const second = join(directory, '..2026_12_03_16_05_00.000000002');
    await mkdir(second);
    await writeFile(join(second, 'policy.yaml'), restricted);
    await symlink('..2026_12_03_16_05_00.000000002', join(directory, '..data_tmp'));
    await rename(join(directory, '..data_tmp'), join(directory, '..data'));
    await rm(first, { recursive: true });
    await watcher.check();
    expect(reloads).toHaveLength(1);
    expect(allowsConfigmaps(watcher.current)).toBe(false);
  });

  it('polls on the injected timer and stops when aborted', async () => {
    const file = join(directory, 'policy.yaml');
    await writeFile(file, readOnly);
    const { logger } = recordingLogger();
    const timer = manualSleep();
    const abort = new AbortController();
    const reloaded: string[] = [];
    const watcher = new PolicyWatcher({
      file,
      initial: readPolicyFile(file, overrides),
      overrides,
      intervalMs: 10_000,
      sleep: timer.sleep,
      logger,
      onReload: (policy) => reloaded.push(policy.restrictedResources.join(',')),
      signal: abort.signal,
    });
    const running = watcher.run();
    await timer.sleeping(1);
    await writeFile(file, restricted);
    expect(reloaded).toEqual([]);
    timer.wake();
    await timer.sleeping(2);
    expect(reloaded).toEqual(['configmaps']);
    abort.abort();
    await running;
  });
});

describe('createPolicyInForce', () => {
  it('has no readiness check and a fixed policy without a policy file', async () => {
    const policy = readPolicyFile(await written(readOnly), overrides).policy;
    const inForce = createPolicyInForce({
      policy,
      file: null,
      intervalMs: 1000,
      sleep: () => Promise.resolve(),
      logger: recordingLogger().logger,
      onReload: () => undefined,
    });
    expect(inForce.checks()).toEqual({});
    expect(inForce.current()).toBe(policy);
    await inForce.stop();
  });

  it('reports the file not ready while it is invalid', async () => {
    const file = await written(readOnly);
    const loaded = readPolicyFile(file, overrides);
    const timer = manualSleep();
    const inForce = createPolicyInForce({
      policy: loaded.policy,
      file: { path: file, sha256: loaded.sha256, overrides },
      intervalMs: 1000,
      sleep: timer.sleep,
      logger: recordingLogger().logger,
      onReload: () => undefined,
    });
    expect(inForce.checks()).toEqual({ policy: { ok: true, message: `${file} is in force` } });
    inForce.start();
    await timer.sleeping(1);
    await writeFile(file, 'mode: nope\n');
    timer.wake();
    await timer.sleeping(2);
    expect(inForce.checks().policy).toMatchObject({ ok: false });
    expect(inForce.checks().policy?.message).toContain(file);
    await inForce.stop();
  });
});

async function written(text: string): Promise<string> {
  const file = join(directory, 'policy.yaml');
  await writeFile(file, text);
  return file;
}
