import type { ConnectionFlags } from '../args/index.js';
import type { CliIo } from '../cli-io.js';
import { configPaths, readCliConfig, resolveConnection } from '../config/index.js';
import { commandToken } from '../token/index.js';
import { createApiClient } from './api-client.js';
import type { ApiClient } from './api-client.js';

/** Flags > env > config file, then a client bound to the io's fetch and signal. */
export async function openApiClient(flags: ConnectionFlags, io: CliIo): Promise<ApiClient> {
  const config = await readCliConfig(configPaths(io).file);
  const resolved = resolveConnection(flags, io, config);
  const command = io.env['KUBENTLY_TOKEN_COMMAND'];
  // An explicit API key wins; otherwise a token command (OIDC, like kubectl exec credentials).
  const connection =
    resolved.apiKey !== undefined || command === undefined || command.trim() === ''
      ? resolved
      : {
          ...resolved,
          bearerToken: await commandToken({
            command,
            cacheDir: configPaths(io).dir,
            now: io.now,
            signal: io.signal,
            env: io.env,
          }),
        };
  return createApiClient({ connection, fetch: io.fetch, signal: io.signal });
}
