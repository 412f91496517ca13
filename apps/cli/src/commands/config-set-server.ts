import { parseCommandArgs, requirePositionals } from '../args/index.js';
import type { CommandSpec } from '../command-spec.js';
import {
  configPaths,
  readCliConfig,
  serverEntrySchema,
  serverNameSchema,
  writeCliConfig,
} from '../config/index.js';
import { exitCodes } from '../exit-codes.js';
import { KubentlyError } from '../kubently-error.js';

const usage = 'kubently config set-server <name> --url URL [--key KEY] [--no-use]';

export const configSetServerCommand: CommandSpec = {
  path: ['config', 'set-server'],
  summary: 'Add or update a named server (URL and API key) and make it current',
  help: `Usage: ${usage}

Saves the server in the Kubently config file (~/.kubently/config.json, or $KUBENTLY_CONFIG_DIR;
directory 0700, file 0600, written atomically) and makes it the current server.

Flags:
  --url URL     the server URL, e.g. https://kubently.example.com
  --key KEY     the API key (sent as X-API-Key); without it an existing key is kept
  --no-use      save it without making it current`,
  run: async (argv, io) => {
    const { values, positionals } = parseCommandArgs(
      argv,
      { url: { type: 'string' }, key: { type: 'string' }, 'no-use': { type: 'boolean' } },
      usage,
    );
    const [name] = requirePositionals(positionals, ['name'], usage) as [string];
    const nameCheck = serverNameSchema.safeParse(name);
    if (!nameCheck.success)
      throw new KubentlyError('usage', nameCheck.error.issues[0]?.message ?? 'invalid server name');
    const paths = configPaths(io);
    const config = await readCliConfig(paths.file);
    const existing = config.servers[name];
    const url = values.url ?? existing?.url;
    if (url === undefined)
      throw new KubentlyError('usage', `--url is required for a new server\n  usage: ${usage}`);
    const apiKey = values.key ?? existing?.apiKey;
    const entry = serverEntrySchema.safeParse({
      url: url.replace(/\/+$/, ''),
      ...(apiKey === undefined ? {} : { apiKey }),
    });
    if (!entry.success)
      throw new KubentlyError('usage', entry.error.issues[0]?.message ?? 'invalid server entry');
    const makeCurrent = values['no-use'] !== true;
    await writeCliConfig(paths, {
      ...config,
      servers: { ...config.servers, [name]: entry.data },
      currentServer: makeCurrent ? name : config.currentServer,
    });
    io.stdout.write(
      `Saved server "${name}" (${entry.data.url})${makeCurrent ? ' as the current server' : ''} in ${paths.file}.\n`,
    );
    return exitCodes.ok;
  },
};
