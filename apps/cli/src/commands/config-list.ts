import { parseCommandArgs, requirePositionals } from '../args/index.js';
import type { CommandSpec } from '../command-spec.js';
import { configPaths, maskKey, readCliConfig } from '../config/index.js';
import { exitCodes } from '../exit-codes.js';
import { listFormats, outputOption, parseOutputFormat, printListing } from '../format/index.js';

const usage = 'kubently config list [-o table|wide|json|yaml|name]';

export const configListCommand: CommandSpec = {
  path: ['config', 'list'],
  summary: 'List saved servers (API keys masked)',
  help: `Usage: ${usage}

Lists the servers saved in the config file; "*" marks the current one. Keys are always masked.
KUBENTLY_API_URL / KUBENTLY_API_KEY, when set, override the current server.

Flags:
  -o, --output FORMAT   table (default), wide (more columns), json, yaml or name (one per line)`,
  run: async (argv, io) => {
    const { values, positionals } = parseCommandArgs(argv, outputOption, usage);
    requirePositionals(positionals, [], usage);
    const format = parseOutputFormat(values.output, listFormats);
    const paths = configPaths(io);
    const config = await readCliConfig(paths.file);
    const servers = Object.entries(config.servers).map(([name, entry]) => ({
      name,
      current: name === config.currentServer,
      url: entry.url,
      apiKey: maskKey(entry.apiKey),
    }));
    printListing(io.stdout, format, {
      document: { file: paths.file, currentServer: config.currentServer, servers },
      names: servers.map((server) => server.name),
      header: ['CURRENT', 'NAME', 'URL', 'API KEY'],
      rows: servers.map((server) => [server.current ? '*' : '', server.name, server.url, server.apiKey]),
      empty: `No servers saved in ${paths.file}. Run \`kubently up\`, or \`kubently config set-server NAME --url URL --key KEY\`.`,
    });
    if (format !== 'table' && format !== 'wide') return exitCodes.ok;
    const overrides = ['KUBENTLY_API_URL', 'KUBENTLY_API_KEY'].filter((name) => (io.env[name] ?? '') !== '');
    if (overrides.length > 0)
      io.stdout.write(
        `(${overrides.join(' and ')} set in the environment: they override the current server)\n`,
      );
    return exitCodes.ok;
  },
};
