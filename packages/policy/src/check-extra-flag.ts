import { alwaysRejectedFlags } from './always-rejected-flags.js';

/** Returns why `flag` (`--chunk-size`) cannot be granted through `extraFlags`, or null. */
export function checkExtraFlag(flag: string): string | null {
  const name = flag.slice(2).replaceAll('_', '-');
  const reason = alwaysRejectedFlags.get(name);
  return reason === undefined ? null : `${flag} is always rejected (${reason}): remove it from extraFlags`;
}
