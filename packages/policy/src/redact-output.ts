import { isMap, isSeq, parseAllDocuments } from 'yaml';

import type { PolicyDecision } from './policy-decision.js';
import { redactSecretValues } from './redact-secret-values.js';
import { redactYamlNode } from './redact-yaml-document.js';
import { splitJsonStream } from './split-json-stream.js';

export interface RedactedOutput {
  output: string;
  /** Number of values replaced; at least 1 when the output was withheld. */
  redactions: number;
}

function withheld(why: string): RedactedOutput {
  return {
    output:
      `kubently: output withheld because it may contain Secret values and could not be redacted (${why}). ` +
      'Use "-o yaml" or "-o json" alone, or "describe secret", which never shows values.\n',
    redactions: 1,
  };
}

function redactJson(stdout: string): RedactedOutput {
  const values = splitJsonStream(stdout);
  if (values === null) return withheld('output is not valid JSON');
  let redactions = 0;
  const parts = values.map((value) => {
    if (typeof value !== 'object' || value === null) return null;
    redactions += redactSecretValues(value);
    return JSON.stringify(value, null, 4);
  });
  if (parts.some((part) => part === null)) return withheld('JSON output holds a bare value, not an object');
  return { output: `${parts.join('\n')}\n`, redactions };
}

function redactYaml(stdout: string): RedactedOutput {
  const documents = parseAllDocuments(stdout, { version: '1.1', uniqueKeys: false });
  if (!Array.isArray(documents)) return { output: stdout, redactions: 0 };
  let redactions = 0;
  for (const document of documents) {
    if (document.errors.length > 0) return withheld('output is not valid YAML');
    const contents = document.contents;
    if (contents === null || (!isMap(contents) && !isSeq(contents) && contents.toJSON() === null)) continue;
    if (!isMap(contents) && !isSeq(contents))
      return withheld('YAML output holds a bare value, not an object');
    redactions += redactYamlNode(contents);
  }
  // Untouched nodes keep kubectl's layout and quoting; only redacted values are new scalars.
  return {
    output: documents.map((document) => document.toString({ lineWidth: 0, indentSeq: false })).join(''),
    redactions,
  };
}

/**
 * Redacts Secret values in kubectl's JSON or YAML stdout (single objects, Lists, multi-document
 * streams, watch event streams). Fails closed: when redaction is needed and the output cannot be
 * parsed, the output is replaced by an explanation and `redactions` is at least 1.
 */
export function redactOutput(decision: PolicyDecision, stdout: string): RedactedOutput {
  if (!decision.needsRedaction || stdout.trim() === '') return { output: stdout, redactions: 0 };
  const first = stdout.trimStart().charAt(0);
  try {
    return first === '{' || first === '[' ? redactJson(stdout) : redactYaml(stdout);
  } catch (error) {
    return withheld(error instanceof Error ? error.message : 'unexpected redaction failure');
  }
}
