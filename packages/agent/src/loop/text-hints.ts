import type { ClusterInfo } from '@kubently/protocol';

/**
 * The cluster a question names: a known cluster id appearing as a whole word ("why is web down on
 * prod-eu?"). Returns undefined when none or several different ids appear.
 */
export function clusterFromText(
  text: string,
  clusters: readonly Pick<ClusterInfo, 'id'>[],
): string | undefined {
  const words = new Set(
    text
      .toLowerCase()
      .split(/[^a-z0-9._-]+/)
      .map((word) => word.replace(/[.]+$/, '')),
  );
  const named = clusters.filter((cluster) => words.has(cluster.id.toLowerCase()));
  return named.length === 1 ? named[0]?.id : undefined;
}

/** A namespace the question names: "namespace shop", "in the shop namespace", "-n shop", "ns/shop". */
export function namespaceFromText(text: string): string | undefined {
  const patterns = [
    /\bnamespace[:\s]+["'`]?([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)\b/i,
    /\b(?:in|on)\s+(?:the\s+)?["'`]?([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)["'`]?\s+namespace\b/i,
    /(?:^|\s)(?:-n|--namespace)[=\s]+([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)\b/,
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (match?.[1] !== undefined) return match[1].toLowerCase();
  }
  return undefined;
}
