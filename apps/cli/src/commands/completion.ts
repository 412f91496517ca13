import { parseCommandArgs, requirePositionals } from '../args/index.js';
import type { CommandSpec } from '../command-spec.js';
import { completionScript, completionShells } from '../completion/completion-script.js';
import { exitCodes } from '../exit-codes.js';
import { parseChoice } from '../format/index.js';

const usage = 'kubently completion bash|zsh|fish';

/** Built from the command table it completes, so a new command or flag is completed at once. */
export const completionCommand = (table: () => readonly CommandSpec[]): CommandSpec => ({
  path: ['completion'],
  summary: 'Print a shell completion script (bash, zsh, fish)',
  help: `Usage: ${usage}

Completes commands, their verbs (with the ls/rm aliases) and flags.

  bash:  source <(kubently completion bash)          # add to ~/.bashrc
  zsh:   source <(kubently completion zsh)           # add to ~/.zshrc
  fish:  kubently completion fish | source           # or save to ~/.config/fish/completions/kubently.fish`,
  run: (argv, io) => {
    const { positionals } = parseCommandArgs(argv, {}, usage);
    const [raw] = requirePositionals(positionals, ['shell'], usage) as [string];
    const shell = parseChoice('the shell', raw, completionShells) ?? 'bash';
    io.stdout.write(completionScript(shell, table()));
    return Promise.resolve(exitCodes.ok);
  },
});
