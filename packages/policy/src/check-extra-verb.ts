import { isCommandPath, lookupCommand } from './command-index.js';

/** Returns why `path` (`top`, `rollout restart`) cannot be granted through `extraVerbs`, or null. */
export function checkExtraVerb(path: string): string | null {
  if (!isCommandPath(path)) {
    return `"${path}" is not a kubectl command Kubently knows the grammar of: remove it from extraVerbs`;
  }
  const lookup = lookupCommand(path);
  if (lookup.type === 'never')
    return `"${path}" can never be allowed (${lookup.reason}): remove it from extraVerbs`;
  return null;
}
