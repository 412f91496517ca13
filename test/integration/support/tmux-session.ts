import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const tmuxPath = '/usr/bin/tmux';

/**
 * One detached tmux session on its own server socket (`tmux -L <unique>`), so tests never touch
 * anyone else's tmux; `kill()` stops only that server.
 */
export interface TmuxSession {
  readonly socket: string;
  /** The visible screen as plain text (no escape sequences), trailing blank lines removed. */
  capture(): Promise<string>;
  /** `tmux send-keys`: key names such as `Enter`, `C-c`, `C-d`, or literal text with `literal`. */
  sendKeys(...keys: string[]): Promise<void>;
  type(text: string): Promise<void>;
  /** Resolves with the screen once `pattern` matches it; rejects with the screen on timeout. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** The program's exit status once it has exited (128 + N for signal N), else null. */
  exitStatus(): Promise<number | null>;
  kill(): Promise<void>;
}

export async function startTmux(
  argv: readonly string[],
  options: { env: Record<string, string>; width?: number; height?: number },
): Promise<TmuxSession> {
  const socket = `kubently-test-${randomBytes(6).toString('hex')}`;
  const tmux = (...args: string[]) => run(tmuxPath, ['-L', socket, ...args], { encoding: 'utf8' });
  const envArgs = Object.entries(options.env).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
  // tmux 3.3a sometimes marks a pane dead without ever recording its exit status
  // (#{pane_dead_status} stays empty), so the pane's shell writes the status to a file instead.
  const statusFile = join(tmpdir(), `${socket}.status`);
  const quote = (word: string): string => `'${word.replaceAll("'", "'\\''")}'`;
  await tmux(
    '-f',
    '/dev/null',
    'new-session',
    '-d',
    '-s',
    'chat',
    '-x',
    String(options.width ?? 110),
    '-y',
    String(options.height ?? 45),
    ...envArgs,
    `${argv.map(quote).join(' ')}; echo $? > ${quote(statusFile)}`,
    // `remain-on-exit` keeps the final screen for the assertions after the program exits.
    ';',
    'set-option',
    '-t',
    'chat',
    'remain-on-exit',
    'on',
  );
  const capture = async (): Promise<string> => {
    const { stdout } = await tmux('capture-pane', '-p', '-t', 'chat');
    return stdout.replace(/\s+$/, '');
  };
  return {
    socket,
    capture,
    sendKeys: async (...keys) => {
      await tmux('send-keys', '-t', 'chat', ...keys);
    },
    type: async (text) => {
      await tmux('send-keys', '-t', 'chat', '-l', text);
    },
    waitFor: async (pattern, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      let screen = '';
      while (Date.now() < deadline) {
        screen = await capture();
        if (pattern.test(screen)) return screen;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`timed out waiting for ${pattern} on the tmux screen:\n${screen}`);
    },
    exitStatus: async () => {
      let text: string;
      try {
        text = await readFile(statusFile, 'utf8');
      } catch {
        return null;
      }
      // The shell writes the file in one small write; an empty read means it is being written.
      return text.trim() === '' ? null : Number(text.trim());
    },
    kill: async () => {
      await tmux('kill-server').catch(() => undefined);
      await rm(statusFile, { force: true });
    },
  };
}
