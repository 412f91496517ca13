import { parseCommandArgs, requirePositionals } from '../args/index.js';
import type { CommandSpec } from '../command-spec.js';
import { configPaths, readCliConfig, writeCliConfig } from '../config/index.js';
import { exitCodes } from '../exit-codes.js';
import { KubentlyError } from '../kubently-error.js';

const usage = 'kubently config use <name>';

export const configUseCommand: CommandSpec = {
  path: ['config', 'use'],
  summary: 'Make a saved server the current one',
  help: `Usage: ${usage}`,
  run: async (argv, io) => {
    const { positionals } = parseCommandArgs(argv, {}, usage);
    const [name] = requirePositionals(positionals, ['name'], usage) as [string];
    const paths = configPaths(io);
    const config = await readCliConfig(paths.file);
    if (config.servers[name] === undefined) {
      const known = Object.keys(config.servers);
      throw new KubentlyError(
        'usage',
        `no server named "${name}" (${known.length === 0 ? 'none saved' : `saved: ${known.join(', ')}`}): add it with \`kubently config set-server ${name} --url URL --key KEY\``,
      );
    }
    await writeCliConfig(paths, { ...config, currentServer: name });
    io.stdout.write(`Current server is now "${name}".\n`);
    return exitCodes.ok;
  },
};
