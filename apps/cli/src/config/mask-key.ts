/** Shows enough of a key to tell two apart, never enough to use it. */
export function maskKey(key: string | undefined): string {
  if (key === undefined) return '(none)';
  if (key.length <= 8) return '****';
  return `${key.slice(0, 4)}****${key.slice(-2)}`;
}
