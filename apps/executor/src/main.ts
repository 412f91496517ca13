import { readExecutorConfig } from './config.js';
import { KubentlyError } from './executor-error.js';
import { start } from './start.js';

/** Documented in the README (Exit codes). */
const exitCodes = { crashed: 1, invalidConfiguration: 2, clusterRemoved: 3 } as const;

/** Composition root: env → config → start; SIGINT/SIGTERM close gracefully. */
async function main(): Promise<void> {
  let config;
  try {
    config = readExecutorConfig();
  } catch (error) {
    if (error instanceof KubentlyError) {
      process.stderr.write(`kubently-executor: ${error.message}\n`);
      process.exitCode = exitCodes.invalidConfiguration;
      return;
    }
    throw error;
  }
  let executor;
  try {
    executor = await start(config);
  } catch (error) {
    // No API server in the kubeconfig, an unknown context, no kubectl: a setup error, like a bad variable.
    if (error instanceof KubentlyError && error.code === 'validation_failed') {
      process.stderr.write(`kubently-executor: ${error.message}\n`);
      process.exitCode = exitCodes.invalidConfiguration;
      return;
    }
    throw error;
  }
  void executor.stopped.then(async (stopped) => {
    process.stderr.write(
      `kubently-executor: the cluster was removed from the server (${stopped.message}); exiting\n`,
    );
    await executor.close().catch(() => undefined);
    process.exit(exitCodes.clusterRemoved);
  });
  const stop = (signal: NodeJS.Signals): void => {
    process.stderr.write(`kubently-executor: ${signal} received, shutting down\n`);
    executor.close().then(
      () => process.exit(0),
      () => process.exit(exitCodes.crashed),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `kubently-executor: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(exitCodes.crashed);
});
