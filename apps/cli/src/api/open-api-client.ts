import type { ConnectionFlags } from '../args/index.js';
import type { CliIo } from '../cli-io.js';
import { configPaths, readCliConfig, resolveConnection } from '../config/index.js';
import { createApiClient } from './api-client.js';
import type { ApiClient } from './api-client.js';

/** Flags > env > config file, then a client bound to the io's fetch and signal. */
export async function openApiClient(flags: ConnectionFlags, io: CliIo): Promise<ApiClient> {
  const config = await readCliConfig(configPaths(io).file);
  const connection = resolveConnection(flags, io, config);
  return createApiClient({ connection, fetch: io.fetch, signal: io.signal });
}
