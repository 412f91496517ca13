import { createInterface } from 'node:readline/promises';

import type { CliIo } from './cli-io.js';
import { isTerminal } from './format/index.js';
import { KubentlyError } from './kubently-error.js';

/**
 * Asks before a destructive step, as gh does: `--yes` skips the question; on a terminal the answer
 * must start with "y"; without a terminal (a script, CI) there is nobody to ask, so the command
 * stops with a usage error naming `--yes` instead of guessing.
 */
export async function confirm(
  io: CliIo,
  question: string,
  isYes: boolean,
  yesHint: string,
): Promise<boolean> {
  if (isYes) return true;
  if (!isTerminal(io.stdin as unknown as { write: () => void }) || !isTerminal(io.stderr)) {
    throw new KubentlyError('usage', `${question.replace(/\?$/, '')}: confirm with --yes (${yesHint})`);
  }
  const prompt = createInterface({
    input: io.stdin,
    output: io.stderr as NodeJS.WritableStream,
    terminal: true,
  });
  try {
    const answer = await prompt.question(`${question} [y/N] `, { signal: io.signal });
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}
