import { parseCommandArgs, requirePositionals } from '../args/index.js';
import type { CommandSpec } from '../command-spec.js';
import { configPaths, readCliConfig, writeCliConfig } from '../config/index.js';
import { exitCodes } from '../exit-codes.js';
import { KubentlyError } from '../kubently-error.js';

const usage = 'kubently config delete <name>';

export const configDeleteCommand: CommandSpec = {
  path: ['config', 'delete'],
  summary: 'Forget a saved server and its key (alias: rm)',
  help: `Usage: ${usage}

Removes the server and its API key from the config file. When it was the current server, no
server is current afterwards: pick one with \`kubently config use <name>\`.`,
  run: async (argv, io) => {
    const { positionals } = parseCommandArgs(argv, {}, usage);
    const [name] = requirePositionals(positionals, ['name'], usage) as [string];
    const paths = configPaths(io);
    const config = await readCliConfig(paths.file);
    if (config.servers[name] === undefined) {
      const known = Object.keys(config.servers);
      throw new KubentlyError(
        'usage',
        `no server named "${name}" (${known.length === 0 ? 'none saved' : `saved: ${known.join(', ')}`}); list them with \`kubently config list\``,
      );
    }
    const servers = Object.fromEntries(Object.entries(config.servers).filter(([key]) => key !== name));
    const wasCurrent = config.currentServer === name;
    await writeCliConfig(paths, {
      ...config,
      servers,
      currentServer: wasCurrent ? null : config.currentServer,
    });
    io.stdout.write(
      `Deleted server "${name}".${wasCurrent ? ' No server is current now: pick one with `kubently config use <name>`.' : ''}\n`,
    );
    return exitCodes.ok;
  },
};
