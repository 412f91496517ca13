import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';

import { TestbedError } from './testbed-error.js';

export interface SpawnedProcess {
  readonly pid: number;
  readonly binary: string;
  readonly logFile: string;
}

/**
 * Starts `binary` in its own process group with stdout and stderr appended to `logFile`. The child
 * survives the parent (the CLI's `up` returns while the cluster keeps running).
 */
export function spawnComponent(
  binary: string,
  args: readonly string[],
  logFile: string,
  env: Readonly<Record<string, string | undefined>>,
): SpawnedProcess {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(binary, args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { ...env },
    });
    child.unref();
    if (child.pid === undefined) {
      throw new TestbedError('component_failed', `could not start ${binary}: no pid was assigned`);
    }
    return { pid: child.pid, binary, logFile };
  } finally {
    closeSync(fd);
  }
}

/** True when `pid` is alive and still runs `binary` (guards against pid reuse after a reboot). */
export async function isRunning(pid: number, binary: string): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    const argv0 = cmdline.split('\0')[0] ?? '';
    return argv0 === binary;
  } catch {
    // No procfs (not Linux): the signal check above is all we have.
    return true;
  }
}

export interface StopOptions {
  readonly graceMs: number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** SIGTERM the component's process group, then SIGKILL it after `graceMs`. */
export async function stopComponent(proc: SpawnedProcess, options: StopOptions): Promise<void> {
  if (!(await isRunning(proc.pid, proc.binary))) return;
  signalGroup(proc.pid, 'SIGTERM');
  const deadline = Date.now() + options.graceMs;
  while (Date.now() < deadline) {
    if (!(await isRunning(proc.pid, proc.binary))) return;
    await options.sleep(100);
  }
  signalGroup(proc.pid, 'SIGKILL');
  for (let i = 0; i < 50 && (await isRunning(proc.pid, proc.binary)); i++) await options.sleep(100);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/** The last `lines` lines of a log file ('' when it does not exist). */
export async function tailFile(file: string, lines = 30): Promise<string> {
  try {
    const { size } = await stat(file);
    const handle = await open(file, 'r');
    try {
      const length = Math.min(size, 64 * 1024);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      return buffer
        .toString('utf8')
        .split('\n')
        .slice(-lines - 1)
        .join('\n')
        .trimEnd();
    } finally {
      await handle.close();
    }
  } catch {
    return '';
  }
}
