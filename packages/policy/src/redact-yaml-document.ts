import { isMap, isScalar, isSeq, Scalar } from 'yaml';
import type { YAMLMap } from 'yaml';

import {
  decodedLength,
  fieldMarker,
  isRedactionMarker,
  lastAppliedAnnotation,
  redactionMarker,
  redactSecretValues,
  unparseableLastAppliedMarker,
  utf8Length,
} from './redact-secret-values.js';
import type { RedactSecretOptions } from './redact-secret-values.js';

function text(node: unknown): string | null {
  return isScalar(node) && typeof node.value === 'string' ? node.value : null;
}

function pairOf(map: YAMLMap, key: string) {
  return map.items.find((pair) => text(pair.key) === key);
}

function redactField(
  secret: YAMLMap,
  field: 'data' | 'stringData',
  measure: (value: unknown) => number,
): number {
  let count = 0;
  // Every pair with that key: the parser keeps duplicate keys, and a reader may take any of them.
  for (const pair of secret.items.filter((item) => text(item.key) === field)) {
    if (pair.value === null || (isScalar(pair.value) && pair.value.value === null)) continue;
    if (text(pair.value) === fieldMarker) continue;
    if (!isMap(pair.value)) {
      // Not the shape a Secret has: withhold the whole field rather than guess.
      pair.value = new Scalar(fieldMarker);
      count += 1;
      continue;
    }
    for (const entry of pair.value.items) {
      if (isRedactionMarker(text(entry.value))) continue;
      entry.value = new Scalar(redactionMarker(measure(isScalar(entry.value) ? entry.value.value : null)));
      count += 1;
    }
  }
  return count;
}

function redactLastApplied(object: YAMLMap, isSecret: boolean, options: RedactSecretOptions): number {
  const metadata = pairOf(object, 'metadata')?.value;
  if (!isMap(metadata)) return 0;
  const annotations = pairOf(metadata, 'annotations')?.value;
  if (!isMap(annotations)) return 0;
  const pair = pairOf(annotations, lastAppliedAnnotation);
  const value = pair === undefined ? null : text(pair.value);
  if (pair === undefined || value === null || value === unparseableLastAppliedMarker) return 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    if (!isSecret) return 0;
    pair.value = new Scalar(unparseableLastAppliedMarker);
    return 1;
  }
  const count = redactSecretValues(parsed, options);
  if (count > 0) pair.value = new Scalar(`${JSON.stringify(parsed)}\n`);
  return count;
}

/**
 * Redacts, in place, Secret `data`/`stringData` values in a parsed YAML node tree, keeping every
 * other node (and its quoting and layout) as kubectl printed it. Returns the number of values replaced.
 */
export function redactYamlNode(node: unknown, options: RedactSecretOptions = {}): number {
  if (isSeq(node)) return node.items.reduce<number>((sum, item) => sum + redactYamlNode(item, options), 0);
  if (!isMap(node)) return 0;
  const hasValues = node.has('data') || node.has('stringData');
  const isSecret =
    node.items.some((pair) => text(pair.key) === 'kind' && text(pair.value) === 'Secret') ||
    // No kind but metadata and data: indistinguishable from a Secret, so fail closed (see isKindlessWithData).
    (!node.has('kind') && isMap(node.get('metadata', true)) && hasValues) ||
    (options.assumeSecret === true && hasValues);
  let count = 0;
  if (isSecret) {
    count += redactField(node, 'data', decodedLength);
    count += redactField(node, 'stringData', (value) => (typeof value === 'string' ? utf8Length(value) : 0));
  }
  count += redactLastApplied(node, isSecret, options);
  for (const pair of node.items) {
    const key = text(pair.key);
    if (isSecret && (key === 'data' || key === 'stringData')) continue;
    count += redactYamlNode(pair.value, options);
  }
  return count;
}
