import type { CliOutput } from '../cli-io.js';

export interface Palette {
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly green: (text: string) => string;
  readonly red: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly cyan: (text: string) => string;
}

export function isTerminal(output: CliOutput): boolean {
  return (output as { isTTY?: unknown }).isTTY === true;
}

/**
 * Colour only on a terminal, never with NO_COLOR set (no-color.org) or TERM=dumb; FORCE_COLOR
 * (any value but "0" or "false") turns it on when piped, e.g. into `less -R`. NO_COLOR wins.
 */
export function shouldUseColor(
  output: CliOutput,
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  const noColor = env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '0' && force !== 'false') return true;
  if (env['TERM'] === 'dumb') return false;
  return isTerminal(output);
}

const sgr =
  (open: number, close: number) =>
  (text: string): string =>
    `\u001b[${open}m${text}\u001b[${close}m`;

const plain = (text: string): string => text;

export function createPalette(isEnabled: boolean): Palette {
  if (!isEnabled) return { bold: plain, dim: plain, green: plain, red: plain, yellow: plain, cyan: plain };
  return {
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    green: sgr(32, 39),
    red: sgr(31, 39),
    yellow: sgr(33, 39),
    cyan: sgr(36, 39),
  };
}
