import { readExecutorConfig } from './config.js';
import { KubentlyError } from './executor-error.js';
import { start } from './start.js';

/** Composition root: env → config → start; SIGINT/SIGTERM close gracefully. */
async function main(): Promise<void> {
  let config;
  try {
    config = readExecutorConfig();
  } catch (error) {
    if (error instanceof KubentlyError) {
      process.stderr.write(`kubently-executor: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  const executor = await start(config);
  const stop = (signal: NodeJS.Signals): void => {
    process.stderr.write(`kubently-executor: ${signal} received, shutting down\n`);
    executor.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `kubently-executor: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
