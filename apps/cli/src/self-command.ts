import { realpath } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';

import type { CliIo } from './cli-io.js';

/** How to start this CLI again, for a shell and for a program that launches it (an MCP client). */
export interface SelfCommand {
  /** What to type in the user's shell: `kubently`, `npx kubently` or `node /abs/bin/kubently.js`. */
  readonly shell: string;
  /** What an MCP client's config launches: `command` plus the arguments before ours. */
  readonly launch: { readonly command: string; readonly args: readonly string[] };
}

const resolved = async (path: string): Promise<string | null> => {
  try {
    return await realpath(path);
  } catch {
    return null;
  }
};

const shellQuote = (text: string): string =>
  /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;

/**
 * How the user can start us where they are, so printed next steps can be pasted as they are:
 * `kubently` when that name on PATH is this very CLI; `npx kubently` when npm ran us as `npx` or the
 * user's directory is in a checkout whose node_modules/.bin links to us (npx finds it there, and
 * nowhere else: elsewhere it would fetch a package of that name); else the absolute path.
 * An MCP client starts us from its own directory, so it gets `kubently` only when on PATH, else
 * node and the absolute script. Without `io.self` (tests, embedding) it answers `kubently`.
 */
export async function selfCommand(io: Pick<CliIo, 'env' | 'cwd' | 'self'>): Promise<SelfCommand> {
  const onPath: SelfCommand = { shell: 'kubently', launch: { command: 'kubently', args: [] } };
  const viaNpx = io.env['npm_command'] === 'exec';
  if (io.self === undefined) return viaNpx ? { ...onPath, shell: 'npx kubently' } : onPath;
  const script = (await resolved(io.self.script)) ?? io.self.script;
  for (const directory of (io.env['PATH'] ?? '').split(delimiter)) {
    // npm scripts (`npm start`) put node_modules/.bin on PATH for themselves, not for the user's shell.
    if (directory === '' || /node_modules[\\/]\.bin[\\/]?$/.test(directory)) continue;
    if ((await resolved(join(directory, 'kubently'))) === script) return onPath;
  }
  const launch = { command: io.self.node, args: [script] };
  if (viaNpx) return { shell: 'npx kubently', launch };
  // npm runs scripts in the package root; INIT_CWD is where the user typed `npm start`.
  for (let directory = io.env['INIT_CWD'] ?? io.cwd; ; directory = dirname(directory)) {
    if ((await resolved(join(directory, 'node_modules', '.bin', 'kubently'))) === script)
      return { shell: 'npx kubently', launch };
    if (dirname(directory) === directory) break;
  }
  return { shell: `${shellQuote(io.self.node)} ${shellQuote(script)}`, launch };
}

/** The Claude Desktop / Cursor block that starts `kubently <args>` as `launch` says. */
export const mcpConfigSnippet = (self: SelfCommand, args: readonly string[]): string =>
  JSON.stringify({
    mcpServers: { kubently: { command: self.launch.command, args: [...self.launch.args, ...args] } },
  });
