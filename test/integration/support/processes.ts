import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
export const serverMain = `${root}apps/server/dist/main.js`;
export const executorMain = `${root}apps/executor/dist/main.js`;

/** A child process whose output is kept, killed at teardown by `stopAll`. */
export interface Spawned {
  readonly child: ChildProcess;
  readonly pid: number;
  /** stdout + stderr so far. */
  output(): string;
  /** JSON log lines (stdout) seen so far. */
  logLines(): Record<string, unknown>[];
  /** Resolves with the first JSON log line matching `predicate` (seen before or after the call). */
  waitForLog(
    predicate: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  readonly exited: Promise<number | null>;
  /** Sends `signal` (default SIGTERM) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const live = new Set<Spawned>();

/** `nodeArgs` go before the script (e.g. `--cpu-prof`, which NODE_OPTIONS does not accept). */
export function spawnNode(
  script: string,
  env: Record<string, string>,
  nodeArgs: readonly string[] = [],
): Spawned {
  const child = spawn(process.execPath, [...nodeArgs, script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let lines: Record<string, unknown>[] = [];
  let partial = '';
  const listeners = new Set<() => void>();
  const notify = (): void => {
    listeners.forEach((listener) => {
      listener();
    });
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
    partial += chunk;
    const complete = partial.split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete) {
      try {
        lines = [...lines, JSON.parse(line) as Record<string, unknown>];
      } catch {
        // not a JSON log line
      }
    }
    notify();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      live.delete(spawned);
      notify();
      resolve(code);
    });
  });
  const spawned: Spawned = {
    child,
    pid: child.pid ?? -1,
    output: () => output,
    logLines: () => lines,
    exited,
    waitForLog: (predicate, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const found = lines.find(predicate);
          if (found !== undefined) {
            cleanup();
            resolve(found);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            cleanup();
            reject(new Error(`process ${script} exited before the expected log line:\n${output}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for a log line from ${script}:\n${output.slice(-4000)}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      }),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  live.add(spawned);
  return spawned;
}

/** Kills every process this file started (SIGKILL after 5 s). */
export async function stopAll(): Promise<void> {
  await Promise.all(
    [...live].map(async (spawned) => {
      if (spawned.child.signalCode === 'SIGSTOP' || spawned.child.exitCode === null)
        spawned.child.kill('SIGCONT');
      const timer = setTimeout(() => spawned.child.kill('SIGKILL'), 5000);
      await spawned.stop();
      clearTimeout(timer);
    }),
  );
}

/** Polls `check` until it returns a value other than undefined (bounded). */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
