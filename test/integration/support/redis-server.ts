import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A private redis-server (with an append-only file, so a restart keeps the data) on a free port. */
export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  start(): Promise<void>;
  /** SIGTERM and wait (Redis fsyncs its AOF on the way out). */
  stop(): Promise<void>;
  /** SIGKILL and wait: no shutdown at all (the AOF is fsynced on every write). */
  kill(): Promise<void>;
  /** SIGSTOP: the process holds its connections and answers nothing until `resume`. */
  pause(): void;
  /** SIGCONT after `pause`: Redis answers again, in order, everything sent meanwhile. */
  resume(): void;
}

const freePort = async (): Promise<number> =>
  new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => {
        resolve(port);
      });
    });
  });

/** `appendOnly: false`: no persistence at all, so a restart comes back empty (a Redis that lost its data). */
export async function createPrivateRedis(options: { appendOnly?: boolean } = {}): Promise<PrivateRedis> {
  const appendOnly = options.appendOnly ?? true;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'kubently-redis-'));
  let child: ChildProcess | undefined;
  const stopWith = async (signal: NodeJS.Signals): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) =>
      running.once('exit', () => {
        resolve();
      }),
    );
    // A paused Redis must run again to handle SIGTERM.
    running.kill('SIGCONT');
    running.kill(signal);
    await exited;
  };
  const stop = (): Promise<void> => stopWith('SIGTERM');
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start: async () => {
      const started = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          appendOnly ? 'yes' : 'no',
          '--appendfsync',
          'always',
          '--dir',
          dir,
          '--daemonize',
          'no',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child = started;
      await new Promise<void>((resolve, reject) => {
        let output = '';
        started.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          output += chunk;
          if (output.includes('Ready to accept connections')) resolve();
        });
        started.once('exit', () => {
          reject(new Error(`redis-server exited:\n${output}`));
        });
      });
    },
    stop,
    kill: () => stopWith('SIGKILL'),
    pause: () => {
      child?.kill('SIGSTOP');
    },
    resume: () => {
      child?.kill('SIGCONT');
    },
  };
}
