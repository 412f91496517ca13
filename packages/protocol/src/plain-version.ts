/** `v1.35.0`, `1.32`, `v1.29.3-eks-adc7111`, `v1.31.2+k3s1`, `0.1.0`. */
const versionShape = /^v?[0-9]{1,6}(\.[0-9]{1,6}){0,3}([-+][0-9A-Za-z.+-]{1,48})?$/;

/** What a version that does not look like one is shown as. */
export const unrecognisedVersion = 'unrecognised';

/**
 * A version an executor reported, as text for a model or a table: kept when it has the shape of a
 * version (digits, dots, then an optional `-`/`+` suffix of letters, digits, `.`, `+`, `-`), else
 * `unrecognised`. An executor token holder chooses these strings, so anything else never reaches a
 * model or a terminal as-is. `null` (not reported) stays `null`.
 */
export function plainVersion(version: string | null): string | null {
  if (version === null) return null;
  return versionShape.test(version) ? version : unrecognisedVersion;
}
