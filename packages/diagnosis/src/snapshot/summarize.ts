import type { ConfigMapSummary, SecretSummary } from './cluster-snapshot.js';

interface RawKeyed {
  readonly metadata?: {
    readonly name?: unknown;
    readonly namespace?: unknown;
    readonly labels?: unknown;
    readonly creationTimestamp?: unknown;
  };
  readonly type?: unknown;
  readonly data?: unknown;
  readonly binaryData?: unknown;
  readonly stringData?: unknown;
}

const keysOf = (...maps: unknown[]): string[] => {
  const keys = new Set<string>();
  for (const map of maps) {
    if (typeof map === 'object' && map !== null) for (const key of Object.keys(map)) keys.add(key);
  }
  return [...keys].sort();
};

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

const labelsOf = (value: unknown): Record<string, string> | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const labels: Record<string, string> = {};
  for (const [key, label] of Object.entries(value)) if (typeof label === 'string') labels[key] = label;
  return labels;
};

/** Reduces a raw ConfigMap (as `kubectl get configmap -o json` returns it) to name and keys. */
export const summarizeConfigMap = (raw: unknown): ConfigMapSummary => {
  const object = (typeof raw === 'object' && raw !== null ? raw : {}) as RawKeyed;
  const labels = labelsOf(object.metadata?.labels);
  const created = text(object.metadata?.creationTimestamp);
  return {
    namespace: text(object.metadata?.namespace),
    name: text(object.metadata?.name),
    keys: keysOf(object.data, object.binaryData),
    ...(labels === undefined ? {} : { labels }),
    ...(created === '' ? {} : { creationTimestamp: created }),
  };
};

/** Reduces a raw Secret to name, type and keys; values never leave this function. */
export const summarizeSecret = (raw: unknown): SecretSummary => {
  const object = (typeof raw === 'object' && raw !== null ? raw : {}) as RawKeyed;
  const type = text(object.type);
  return {
    namespace: text(object.metadata?.namespace),
    name: text(object.metadata?.name),
    ...(type === '' ? {} : { type }),
    keys: keysOf(object.data, object.stringData),
  };
};
