import { parseCommandArgs, requirePositionals } from '../args/index.js';
import type { CommandSpec } from '../command-spec.js';
import { configPaths, readCliConfig, resolveConnection } from '../config/index.js';
import { exitCodes } from '../exit-codes.js';

const usage = 'kubently config current';

export const configCurrentCommand: CommandSpec = {
  path: ['config', 'current'],
  summary: 'Print the current server: its name, or the URL in use when none is saved',
  help: `Usage: ${usage}

Prints the name of the current saved server (like \`kubectl config current-context\`). When
KUBENTLY_API_URL overrides it, or nothing is saved, says which URL commands will use and why.`,
  run: async (argv, io) => {
    const { positionals } = parseCommandArgs(argv, {}, usage);
    requirePositionals(positionals, [], usage);
    const config = await readCliConfig(configPaths(io).file);
    const connection = resolveConnection({}, io, config);
    const current = config.currentServer;
    io.stdout.write(`${current ?? '(none)'}\n`);
    if (!connection.urlSource.startsWith('current server'))
      io.stderr.write(`kubently: commands use ${connection.url} (from ${connection.urlSource})\n`);
    return exitCodes.ok;
  },
};
