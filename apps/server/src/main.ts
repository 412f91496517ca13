import { ConfigError, readEnvironment } from './config.js';
import type { ServerConfig } from './config.js';
import { start } from './start.js';

/** Composition root: env → config → listen; SIGINT/SIGTERM close gracefully. */
const main = async (): Promise<void> => {
  let config: ServerConfig;
  try {
    config = readEnvironment();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`kubently server: invalid configuration: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const server = await start(config).catch((error: unknown) => {
    // Redis unreachable at start is reported like a bad setting: it names KUBENTLY_REDIS_URL.
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`kubently server: ${error.message}\n`);
    process.exit(2);
  });
  if (!server.services.logger.isLevelEnabled('info')) {
    // Spawners (tests, the CLI) read the real port from this line even when logging is quiet.
    process.stdout.write(`${JSON.stringify({ msg: 'listening', url: server.url })}\n`);
  }
  const stop = (signal: string): void => {
    server.services.logger.info({ signal }, 'shutting down');
    const exit = (code: number): void => {
      server.services.logger.flush(() => process.exit(code));
    };
    server.close().then(
      () => {
        exit(0);
      },
      (error: unknown) => {
        server.services.logger.error({ err: error }, 'shutdown failed');
        exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
};

main().catch((error: unknown) => {
  process.stderr.write(
    `kubently server: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
