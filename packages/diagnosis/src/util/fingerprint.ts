const fnv1a = (input: string, seed: number): number => {
  let hash = seed;
  for (let index = 0; index < input.length; index += 1) {
    hash ^= input.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
};

/**
 * A 64-bit fingerprint (two 32-bit FNV-1a lanes) of the parts, hex-encoded. Deterministic across
 * runs and platforms, so notifications and dashboards can deduplicate findings by id.
 */
export const fingerprint = (...parts: readonly string[]): string => {
  const input = parts.join('\u0000');
  return (
    fnv1a(input, 0x811c9dc5).toString(16).padStart(8, '0') +
    fnv1a(input, 0x050c5d1f).toString(16).padStart(8, '0')
  );
};
