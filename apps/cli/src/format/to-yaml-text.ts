import { Document, isScalar, visit } from 'yaml';

/** Characters YAML leaves raw that a terminal or a bidi-aware viewer still acts on (see toJsonText). */
const yamlRaw = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const yamlRawGlobal = new RegExp(yamlRaw.source, 'g');

/**
 * `-o yaml` output. A string holding a C1, bidi or separator character is written double-quoted and
 * the character as a `\u` escape (the same YAML value), so the document is as safe on a terminal as
 * the table; C0 controls are escaped by the YAML writer itself.
 */
export function toYamlText(value: unknown): string {
  const document = new Document(value);
  visit(document, {
    Scalar(_key, node) {
      if (isScalar(node) && typeof node.value === 'string' && yamlRaw.test(node.value))
        node.type = 'QUOTE_DOUBLE';
    },
  });
  return document
    .toString({ lineWidth: 0 })
    .replace(yamlRawGlobal, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
