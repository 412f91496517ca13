import type { ServerConfig } from '@kubently/server';

import {
  logLevels,
  parseCommandArgs,
  parseIntegerFlag,
  parseLogLevel,
  requirePositionals,
} from '../args/index.js';
import { fromAppError } from '../apps/app-error.js';
import { waitForAbort } from '../apps/wait-for-abort.js';
import type { CommandSpec } from '../command-spec.js';
import { exitCodes } from '../exit-codes.js';
import { generateApiKey } from '../up/generate-api-key.js';

const usage = 'kubently serve [--host HOST] [--port PORT] [--public-url URL] [--log-level LEVEL]';

export const serveCommand: CommandSpec = {
  path: ['serve'],
  summary: 'Run the Kubently server (memory backend, or Redis with KUBENTLY_REDIS_URL) until Ctrl-C',
  help: `Usage: ${usage}

Runs the server with the configuration from KUBENTLY_* environment variables; flags override them.
Without KUBENTLY_API_KEYS ("identity:key[:role],..."), an admin key is generated for this run and
printed once.

Flags:
  --host HOST         listen address (default 127.0.0.1, KUBENTLY_HOST; use 0.0.0.0 to expose it)
  --port PORT         listen port (default 8080, KUBENTLY_PORT; 0 picks a free port)
  --public-url URL    the URL clients reach the server at (KUBENTLY_PUBLIC_URL); required with a
                      non-loopback --host, e.g. https://kubently.example.com
  --log-level LEVEL   ${logLevels.join(' | ')} (default info, KUBENTLY_LOG_LEVEL)`,
  run: async (argv, io) => {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        host: { type: 'string' },
        port: { type: 'string' },
        'public-url': { type: 'string' },
        'log-level': { type: 'string' },
      },
      usage,
    );
    requirePositionals(positionals, [], usage);
    // Loaded on demand: other commands do not pay for the server's dependencies.
    const { parseEnvironment, start: startServer } = await import('@kubently/server');
    let base: ServerConfig;
    try {
      const publicUrl = values['public-url'];
      // The flag goes through the same validation as the variable it stands for.
      base = parseEnvironment(
        publicUrl === undefined ? io.env : { ...io.env, KUBENTLY_PUBLIC_URL: publicUrl },
      );
    } catch (error) {
      throw fromAppError(error, 'server');
    }
    const port = parseIntegerFlag('port', values.port, { min: 0, max: 65_535 });
    const logLevel = parseLogLevel(values['log-level']);
    const generatedKey = base.apiKeys.length === 0 ? generateApiKey(io.randomBytes) : undefined;
    const config: ServerConfig = Object.freeze({
      ...base,
      ...(values.host === undefined ? {} : { host: values.host }),
      ...(port === undefined ? {} : { port }),
      ...(logLevel === undefined ? {} : { logLevel }),
      ...(generatedKey === undefined
        ? {}
        : { apiKeys: [{ identity: 'admin', key: generatedKey, role: 'admin' as const }] }),
    });
    let server;
    try {
      server = await startServer(config);
    } catch (error) {
      throw fromAppError(error, 'server');
    }
    io.stderr.write(
      `Kubently server listening on ${server.url} (${server.services.state.kind} backend). Stop with Ctrl-C.\n`,
    );
    if (generatedKey !== undefined) {
      io.stderr.write(
        `No KUBENTLY_API_KEYS set: generated an admin key for this run (set KUBENTLY_API_KEYS=admin:<key> for a stable one):\n  ${generatedKey}\nUse it with: kubently config set-server NAME --url ${server.url} --key ${generatedKey}\n`,
      );
    }
    await waitForAbort(io.signal);
    io.stderr.write('Stopping the server...\n');
    await server.close();
    return exitCodes.ok;
  },
};
