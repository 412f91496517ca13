import { spawn } from 'node:child_process';

export interface RunProcessOptions {
  readonly file: string;
  readonly args: readonly string[];
  /** The complete environment of the child: nothing is inherited. */
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Cap on stdout + stderr bytes kept. */
  readonly maxOutputBytes: number;
  /** Time between SIGTERM and SIGKILL of the process group. */
  readonly killGraceMs: number;
  readonly signal?: AbortSignal;
}

export interface ProcessOutcome {
  /** null when the process was ended by a signal or never started. */
  readonly exitCode: number | null;
  readonly exitSignal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
  readonly truncated: boolean;
  /**
   * Why the executor ended the process group, if it did. `lingering`: kubectl had exited but
   * something it started still held its output open.
   */
  readonly killedFor: 'timeout' | 'output' | 'abort' | 'lingering' | null;
  readonly spawnError: Error | null;
}

/** How long output may stay open after kubectl exited before its group is killed. */
const lingerMs = 1000;

/** Past this multiple of the cap, reading stops and the process group is killed. */
const outputKillFactor = 4;

/**
 * Runs a program without a shell, in its own process group, so a timeout kills kubectl and anything
 * it started (exec credential plugins). Output beyond the cap is dropped and flagged.
 */
export function runProcess(options: RunProcessOptions): Promise<ProcessOutcome> {
  return new Promise((resolve) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let kept = 0;
    let seen = 0;
    let truncated = false;
    let killedFor: ProcessOutcome['killedFor'] = null;
    let spawnError: Error | null = null;
    let killTimer: NodeJS.Timeout | undefined;
    let lingerTimer: NodeJS.Timeout | undefined;
    let settled = false;

    const child = spawn(options.file, options.args, {
      detached: true,
      shell: false,
      env: { ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });

    const killGroup = (reason: NonNullable<ProcessOutcome['killedFor']>): void => {
      if (killedFor !== null || child.pid === undefined || settled) return;
      killedFor = reason;
      signalGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => {
        if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
      }, options.killGraceMs);
    };

    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      seen += chunk.length;
      const room = options.maxOutputBytes - kept;
      if (room > 0) {
        const piece = chunk.length <= room ? chunk : chunk.subarray(0, room);
        into.push(piece);
        kept += piece.length;
      }
      if (chunk.length > room) truncated = true;
      if (seen > options.maxOutputBytes * outputKillFactor) killGroup('output');
    };
    child.stdout.on('data', collect(stdout));
    child.stderr.on('data', collect(stderr));

    const timeout = setTimeout(() => {
      killGroup('timeout');
    }, options.timeoutMs);
    const onAbort = (): void => {
      killGroup('abort');
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = (exitCode: number | null, exitSignal: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timeout);
      if (killTimer !== undefined) clearTimeout(killTimer);
      if (lingerTimer !== undefined) clearTimeout(lingerTimer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({
        exitCode,
        exitSignal,
        stdout: Buffer.concat(stdout),
        stderr: Buffer.concat(stderr),
        truncated,
        killedFor,
        spawnError,
      });
    };
    child.on('error', (error) => {
      spawnError = error;
      if (child.pid === undefined) finish(null, null);
    });
    child.on('exit', () => {
      lingerTimer = setTimeout(() => {
        killGroup('lingering');
      }, lingerMs);
    });
    child.on('close', (code, signal) => {
      finish(code, signal);
    });
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}
