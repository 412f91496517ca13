import type { ConnectionFlags } from '../args/index.js';
import type { CliIo } from '../cli-io.js';
import { KubentlyError } from '../kubently-error.js';
import { serverUrlSchema } from './cli-config.js';
import type { CliConfig } from './cli-config.js';

export const defaultServerUrl = 'http://127.0.0.1:8080';

export interface Connection {
  readonly url: string;
  readonly apiKey: string | undefined;
  /** Sent as `Authorization: Bearer` (from KUBENTLY_TOKEN_COMMAND) when there is no API key. */
  readonly bearerToken?: string | undefined;
  /** Where the URL came from, for error messages ("from KUBENTLY_API_URL"). */
  readonly urlSource: string;
}

/**
 * Precedence per field: flag > the server named by `--server` > env (KUBENTLY_API_URL /
 * KUBENTLY_API_KEY) > the current server of the config file > the default of `kubently up`.
 * A key from the config file is used only with the URL it was saved for.
 */
export function resolveConnection(
  flags: ConnectionFlags,
  io: Pick<CliIo, 'env'>,
  config: CliConfig,
): Connection {
  const named = flags.server;
  if (named !== undefined && config.servers[named] === undefined) {
    const known = Object.keys(config.servers);
    throw new KubentlyError(
      'usage',
      `no server named "${named}" in the config (${known.length === 0 ? 'none configured' : `known: ${known.join(', ')}`}): add it with \`kubently config set-server ${named} --url URL --key KEY\``,
    );
  }
  const selected = named === undefined ? undefined : config.servers[named];
  const current = config.currentServer === null ? undefined : config.servers[config.currentServer];
  const envUrl = nonEmpty(io.env['KUBENTLY_API_URL']);
  const envKey = nonEmpty(io.env['KUBENTLY_API_KEY']);

  const candidates: [string | undefined, string][] = [
    [flags['api-url'], '--api-url'],
    [selected?.url, `server "${named ?? ''}"`],
    [envUrl, 'KUBENTLY_API_URL'],
    [current?.url, `current server "${config.currentServer ?? ''}"`],
    [defaultServerUrl, 'the default'],
  ];
  const [url, urlSource] = candidates.find(([value]) => value !== undefined) as [string, string];
  const checked = serverUrlSchema.safeParse(url);
  if (!checked.success) {
    throw new KubentlyError(
      'usage',
      `invalid server URL "${url}" (from ${urlSource}): use e.g. http://127.0.0.1:8080`,
    );
  }
  // A key stored for one server is never sent to another URL.
  const keyFor = (entry: { url: string; apiKey?: string | undefined } | undefined): string | undefined =>
    entry !== undefined && entry.url === url ? entry.apiKey : undefined;
  const apiKey = flags['api-key'] ?? keyFor(selected) ?? envKey ?? keyFor(current);
  return { url: url.replace(/\/+$/, ''), apiKey, urlSource };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
