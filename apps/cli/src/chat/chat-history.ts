import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export const chatHistoryLimit = 500;

/** The questions asked in `kubently debug`, newest first (readline's order), bounded. */
export interface ChatHistory {
  readonly load: () => Promise<string[]>;
  /** Saves in the background, one write at a time; a failed write costs history, never the chat. */
  readonly save: (entries: readonly string[]) => void;
  /** Resolves when the writes started so far are done. */
  readonly flush: () => Promise<void>;
}

/**
 * One entry per line, newest last in the file (like a shell history), 0600 in the CLI's config
 * directory: questions can name internal hosts and resources.
 */
export function createChatHistory(file: string, limit = chatHistoryLimit): ChatHistory {
  let pending: Promise<void> = Promise.resolve();
  return {
    load: async () => {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch {
        return [];
      }
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .slice(-limit)
        .reverse();
    },
    save: (entries) => {
      const lines = entries
        .slice(0, limit)
        .filter((entry) => !entry.includes('\n'))
        .reverse();
      const body = lines.length === 0 ? '' : `${lines.join('\n')}\n`;
      pending = pending.then(async () => {
        try {
          await mkdir(dirname(file), { recursive: true, mode: 0o700 });
          const temp = `${file}.tmp`;
          await writeFile(temp, body, { encoding: 'utf8', mode: 0o600 });
          await rename(temp, file);
        } catch {
          // History is a convenience; the chat goes on without it.
        }
      });
    },
    flush: () => pending,
  };
}
