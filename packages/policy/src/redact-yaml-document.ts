import { isMap, isScalar, isSeq, Scalar } from 'yaml';
import type { YAMLMap } from 'yaml';

import {
  decodedLength,
  lastAppliedAnnotation,
  redactionMarker,
  redactSecretValues,
  utf8Length,
} from './redact-secret-values.js';

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
  const pair = pairOf(secret, field);
  if (pair === undefined || pair.value === null || (isScalar(pair.value) && pair.value.value === null))
    return 0;
  if (!isMap(pair.value)) {
    // Not the shape a Secret has: withhold the whole field rather than guess.
    pair.value = new Scalar('<redacted>');
    return 1;
  }
  for (const entry of pair.value.items) {
    entry.value = new Scalar(redactionMarker(measure(isScalar(entry.value) ? entry.value.value : null)));
  }
  return pair.value.items.length;
}

function redactLastApplied(object: YAMLMap, isSecret: boolean): number {
  const metadata = pairOf(object, 'metadata')?.value;
  if (!isMap(metadata)) return 0;
  const annotations = pairOf(metadata, 'annotations')?.value;
  if (!isMap(annotations)) return 0;
  const pair = pairOf(annotations, lastAppliedAnnotation);
  const value = pair === undefined ? null : text(pair.value);
  if (pair === undefined || value === null) return 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    if (!isSecret) return 0;
    pair.value = new Scalar('<redacted: unparseable last-applied-configuration>');
    return 1;
  }
  const count = redactSecretValues(parsed);
  if (count > 0) pair.value = new Scalar(`${JSON.stringify(parsed)}\n`);
  return count;
}

/**
 * Redacts, in place, Secret `data`/`stringData` values in a parsed YAML node tree, keeping every
 * other node (and its quoting and layout) as kubectl printed it. Returns the number of values replaced.
 */
export function redactYamlNode(node: unknown): number {
  if (isSeq(node)) return node.items.reduce<number>((sum, item) => sum + redactYamlNode(item), 0);
  if (!isMap(node)) return 0;
  const isSecret =
    text(node.get('kind', true)) === 'Secret' ||
    // No kind but metadata and data: indistinguishable from a Secret, so fail closed (see isKindlessWithData).
    (!node.has('kind') && isMap(node.get('metadata', true)) && (node.has('data') || node.has('stringData')));
  let count = 0;
  if (isSecret) {
    count += redactField(node, 'data', decodedLength);
    count += redactField(node, 'stringData', (value) => (typeof value === 'string' ? utf8Length(value) : 0));
  }
  count += redactLastApplied(node, isSecret);
  for (const pair of node.items) {
    const key = text(pair.key);
    if (isSecret && (key === 'data' || key === 'stringData')) continue;
    count += redactYamlNode(pair.value);
  }
  return count;
}
