/** Returns why `verb` cannot be granted through `extraVerbs`, or null when it can. */
export function checkExtraVerb(verb: string): string | null {
  const grantable = new Set([
    'top',
    'events',
    'explain',
    'api-resources',
    'api-versions',
    'version',
    'cluster-info',
  ]);
  return grantable.has(verb) ? null : `extra verb "${verb}" cannot be granted: remove it`;
}
