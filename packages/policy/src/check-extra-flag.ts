/** Returns why `flag` cannot be granted through `extraFlags`, or null when it can. */
export function checkExtraFlag(flag: string): string | null {
  return flag.includes('kubeconfig') ? `extra flag "${flag}" is always rejected: remove it` : null;
}
