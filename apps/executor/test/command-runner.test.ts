import { defaultPolicyConfig } from '@kubently/policy';
import type { Command, CommandResult } from '@kubently/protocol';
import { describe, expect, it } from 'vitest';

import { ExecutorMetrics } from '../src/telemetry/index.js';
import { CommandRunner } from '../src/runner/command-runner.js';
import { createFakeKubectl } from '../../../test/fixtures/fake-kubectl.js';
import type { FakeKubectl } from '../../../test/fixtures/fake-kubectl.js';
import { silentLogger } from './support/silent-logger.js';

let sequence = 0;
function command(args: string[], extra: Partial<Command> = {}): Command {
  sequence += 1;
  return {
    id: `cmd-${sequence}-${Date.now()}`,
    clusterId: 'prod',
    args,
    timeoutSeconds: 10,
    correlationId: 'corr',
    issuedAt: new Date().toISOString(),
    ...extra,
  };
}

function setup(options: { maxConcurrency?: number; maxOutputBytes?: number; kubectl?: FakeKubectl } = {}) {
  const kubectl = options.kubectl ?? createFakeKubectl();
  const published: CommandResult[] = [];
  const waiters: (() => void)[] = [];
  const metrics = new ExecutorMetrics();
  const policy = defaultPolicyConfig();
  const runner = new CommandRunner({
    kubectl: kubectl.path,
    policy: () => policy,
    maxConcurrency: options.maxConcurrency ?? 4,
    maxOutputBytes: options.maxOutputBytes ?? 1024 * 1024,
    kubectlEnvironment: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/tmp' },
    executorId: 'exec-1',
    metrics,
    logger: silentLogger,
    now: () => Date.now(),
    killGraceMs: 300,
    publish: (result) => {
      published.push(result);
      waiters.splice(0).forEach((wake) => {
        wake();
      });
      return Promise.resolve();
    },
  });
  const results = async (count: number): Promise<CommandResult[]> => {
    while (published.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    return published;
  };
  return { kubectl, runner, published, results, metrics };
}

describe('CommandRunner', () => {
  it('runs an allowed command and returns its argv and exit code', async () => {
    const { runner, results } = setup();
    const c = command(['get', 'pods', '-n', 'kube-system']);
    runner.submit(c);
    const [result] = await results(1);
    expect(result).toMatchObject({
      commandId: c.id,
      exitCode: 0,
      truncated: false,
      redactions: 0,
      executorId: 'exec-1',
    });
    expect(result?.failure).toBeUndefined();
    expect((JSON.parse(result!.stdout) as { argv: string[] }).argv).toContain('kube-system');
  });

  it('denies what the policy denies without starting kubectl (exit 126)', async () => {
    const { runner, results, kubectl, metrics } = setup();
    const c = command(['delete', 'pod', 'web-1']);
    runner.submit(c);
    const [result] = await results(1);
    expect(result).toMatchObject({ exitCode: 126, failure: { code: 'policy_denied' } });
    expect(result?.failure?.message).toMatch(/delete/);
    expect(kubectl.invocations()).toEqual([]);
    expect(await metrics.render()).toContain('kubently_executor_commands_total{outcome="policy_denied"} 1');
  });

  it('denies a command whose args name another namespace than the command', async () => {
    const { runner, results, kubectl } = setup();
    runner.submit(command(['get', 'pods', '-n', 'a'], { namespace: 'b' }));
    const [result] = await results(1);
    expect(result).toMatchObject({ exitCode: 126, failure: { code: 'policy_denied' } });
    expect(kubectl.invocations()).toEqual([]);
  });

  it('redacts Secret values and keeps keys', async () => {
    const { runner, results } = setup();
    runner.submit(command(['get', 'secret', 'db-credentials', '-o', 'json']));
    const [result] = await results(1);
    expect(result?.stdout).not.toContain('c3VwZXJzZWNyZXQ=');
    expect(result?.stdout).toContain('password');
    expect(result?.redactions).toBe(2);
  });

  it('withholds truncated output that needed redaction', async () => {
    const { runner, results } = setup({ maxOutputBytes: 40 });
    runner.submit(command(['get', 'secret', 'db-credentials', '-o', 'yaml']));
    const [result] = await results(1);
    expect(result).toMatchObject({ stdout: '', truncated: true });
    expect(result?.stderr).toMatch(/withheld/);
  });

  // A fake kubectl, because the moment the real one is killed cannot be forced: it prints `data`
  // (kubectl orders keys, so before `kind`) and is killed at the timeout before the rest.
  it('withholds a Secret cut mid-write when kubectl is killed at the timeout', async () => {
    const { runner, results } = setup();
    runner.submit(
      command(['get', 'secret', 'fake-partial-secret-sleep-30', '-o', 'yaml'], { timeoutSeconds: 1 }),
    );
    const [result] = await results(1);
    expect(result).toMatchObject({ exitCode: 124, stdout: '', failure: { code: 'command_timeout' } });
    expect(result?.redactions).toBe(1);
    expect(result?.stderr).toMatch(/killed at the timeout.*withheld; narrow the query/);
  });

  it('withholds a Secret cut mid-write when the server cancels the command', async () => {
    const { runner, results, kubectl } = setup();
    const c = command(['get', 'secret', 'fake-partial-secret-sleep-30', '-o', 'yaml']);
    runner.submit(c);
    await until(() => kubectl.invocations().find((i) => i.partialWritten === true));
    runner.cancel(c.id, 'the caller went away');
    const [result] = await results(1);
    expect(result?.stdout).toBe('');
    expect(result?.stderr).toMatch(/withheld/);
  });

  it('redacts a Secret cut before its kind when kubectl exits with an error', async () => {
    const { runner, results } = setup();
    runner.submit(command(['get', 'secret', 'fake-partial-secret-exit-1', '-o', 'yaml']));
    const [result] = await results(1);
    expect(result?.exitCode).toBe(1);
    expect(result?.stdout).not.toContain('c3VwZXJzZWNyZXQ=');
    expect(result?.stdout).toContain('password: "<redacted: 11 bytes>"');
    expect(result?.redactions).toBe(1);
  });

  it('kills kubectl at the command timeout (exit 124)', async () => {
    const { runner, results } = setup();
    runner.submit(command(['get', 'pods', 'fake-sleep-30'], { timeoutSeconds: 1 }));
    const [result] = await results(1);
    expect(result).toMatchObject({ exitCode: 124, failure: { code: 'command_timeout' } });
  });

  it('never runs an id twice; a finished id re-posts its stored result', async () => {
    const { runner, results, kubectl } = setup();
    const c = command(['get', 'pods', 'fake-sleep-1']);
    runner.submit(c);
    runner.submit(c);
    const [first] = await results(1);
    runner.submit(c);
    const all = await results(2);
    expect(all[1]).toEqual(first);
    expect(kubectl.invocations().filter((i) => i.argv.includes('fake-sleep-1'))).toHaveLength(1);
  });

  it('runs at most maxConcurrency commands at once, the rest in order', async () => {
    const { runner, results, kubectl } = setup({ maxConcurrency: 1 });
    const slow = command(['get', 'pods', 'fake-sleep-1']);
    const quick = command(['get', 'pods', 'quick']);
    runner.submit(slow);
    runner.submit(quick);
    const all = await results(2);
    expect(all.map((r) => r.commandId)).toEqual([slow.id, quick.id]);
    expect(kubectl.invocations().map((i) => i.argv.at(-1))).toEqual(['fake-sleep-1', 'quick']);
  });

  it('close() kills running commands and fails queued ones definitely', async () => {
    const { runner, published } = setup({ maxConcurrency: 1 });
    const running = command(['get', 'pods', 'fake-sleep-30']);
    const queued = command(['get', 'pods', 'never']);
    runner.submit(running);
    runner.submit(queued);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await runner.close();
    const byId = new Map(published.map((r) => [r.commandId, r]));
    expect(byId.get(queued.id)?.failure?.code).toBe('executor_error');
    expect(byId.get(running.id)?.failure?.code).toBe('executor_error');
  });

  it('cancel() kills the process group of a running command, reports it, and never runs the id again', async () => {
    const { runner, results, kubectl, metrics } = setup();
    const c = command(['get', 'pods', 'fake-group-sleep-60'], { timeoutSeconds: 120 });
    runner.submit(c);
    const started = await until(() => kubectl.invocations().find((i) => i.grandchildPid !== undefined));
    runner.cancel('unknown-command', 'ignored');
    runner.cancel(c.id, 'the caller went away');
    const [result] = await results(1);
    expect(result).toMatchObject({ commandId: c.id, failure: { code: 'executor_error' } });
    expect(result?.failure?.message).toMatch(/cancelled by the server \(the caller went away\)/);
    expect(result?.exitCode).not.toBe(0);
    expect(isAlive(started.pid)).toBe(false);
    // The grandchild may linger as a zombie until init reaps it: wait for it to go (a hang fails).
    await until(() => (isAlive(started.grandchildPid!) ? undefined : true));
    expect(await metrics.render()).toMatch(/outcome="cancelled"} 1/);
    runner.cancel(c.id, 'again');
    runner.submit(c);
    const all = await results(2);
    expect(all[1]).toEqual(result);
    expect(kubectl.invocations()).toHaveLength(1);
  });

  it('cancel() drops a command still waiting for a slot and reports it cancelled', async () => {
    const { runner, results, kubectl } = setup({ maxConcurrency: 1 });
    const slow = command(['get', 'pods', 'fake-sleep-1']);
    const waiting = command(['get', 'pods', 'never-started']);
    runner.submit(slow);
    runner.submit(waiting);
    runner.cancel(waiting.id, 'the caller went away');
    const all = await results(2);
    expect(all[0]).toMatchObject({ commandId: waiting.id, failure: { code: 'executor_error' } });
    expect(all[0]?.failure?.message).toMatch(/before it started/);
    expect(all[1]).toMatchObject({ commandId: slow.id, exitCode: 0 });
    expect(kubectl.invocations().map((i) => i.argv.at(-1))).toEqual(['fake-sleep-1']);
  });
});

/** Polls a condition of an external process (the fake kubectl's log file) until it holds. */
async function until<T>(probe: () => T | undefined): Promise<T> {
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
