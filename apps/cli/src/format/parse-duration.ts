import { KubentlyError } from '../kubently-error.js';

const unitSeconds = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 } as const;

/** `90s`, `30m`, `12h`, `30d`, `2w` in whole seconds; `flag` names the option in the error. */
export function parseDuration(raw: string, flag: string): number {
  const match = /^(\d+)([smhdw])$/.exec(raw.trim());
  if (match === null) {
    throw new KubentlyError(
      'usage',
      `${flag} must be a duration like 90s, 30m, 12h, 30d or 2w (a number and one unit); got "${raw}"`,
    );
  }
  return Number(match[1]) * unitSeconds[match[2] as keyof typeof unitSeconds];
}
