import { randomBytes } from 'node:crypto';

import type { CliIo } from './cli-io.js';
import { run } from './run.js';

/**
 * The only place that touches `process`: argv, env, streams, signals and the exit code. The first
 * Ctrl-C / SIGTERM aborts `io.signal` so long-running commands shut down cleanly; a second one
 * exits at once.
 */
export async function main(): Promise<void> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      process.stderr.write(`kubently: ${signal} again, exiting now\n`);
      process.exit(130);
    }
    controller.abort(new Error(`received ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // `kubently exec prod -- get pods -A | head`: a closed pipe ends the output, not with a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
  const io: CliIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
    fetch: (input, init) => fetch(input, init),
    now: () => new Date(),
    randomBytes: (size) => randomBytes(size),
    ...(process.argv[1] === undefined ? {} : { self: { node: process.execPath, script: process.argv[1] } }),
  };
  try {
    process.exitCode = await run(process.argv.slice(2), io);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
