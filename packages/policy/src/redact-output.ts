import { isMap, isSeq, parseAllDocuments } from 'yaml';

import type { PolicyDecision } from './policy-decision.js';
import { redactSecretDescriptions } from './redact-secret-descriptions.js';
import { redactSecretValues } from './redact-secret-values.js';
import type { RedactSecretOptions } from './redact-secret-values.js';
import { redactYamlNode } from './redact-yaml-document.js';
import { splitJsonStream } from './split-json-stream.js';

export interface RedactedOutput {
  output: string;
  /** Number of values replaced; at least 1 when the output was withheld. */
  redactions: number;
  /** The whole output was replaced by a notice saying why (it could not be checked). */
  withheld: boolean;
}

/**
 * How much of kubectl's output there is. `complete`: kubectl exited 0 and nothing was cut.
 * `uncertain`: kubectl exited with an error, so it may have stopped inside an object.
 * `cut`: the process was killed (timeout, cancellation, shutdown, output cap) or its output was
 * truncated.
 */
export type OutputCompleteness = 'complete' | 'uncertain' | 'cut';

export interface RedactOutputOptions {
  /** Default `complete`. */
  readonly completeness?: OutputCompleteness;
}

const structuredFix = 'Use "-o yaml" or "-o json" alone.';
const describeFix =
  'Describe Secrets in a command of their own ("describe secret NAME"), or use "get secret NAME -o yaml" (values redacted, keys kept).';

/** Why output is withheld; a fixed set, so a notice never carries text from the output itself. */
const withheldReasons = {
  json: ['the output is not valid JSON', structuredFix],
  bareJson: ['the JSON output holds a bare value, not an object', structuredFix],
  yaml: ['the output is not valid YAML', structuredFix],
  bareYaml: ['the YAML output holds a bare value, not an object', structuredFix],
  describe: ['it is not the description of Secrets kubectl prints', describeFix],
  cut: [
    'kubectl was stopped before it finished (timeout, cancellation, shutdown or output cap), so a Secret may be cut in half',
    'Narrow the query (a name or a label selector) or raise the timeout.',
  ],
  unexpected: ['an unexpected redaction error', structuredFix],
} as const satisfies Record<string, readonly [string, string]>;

type WithheldReason = keyof typeof withheldReasons;

function noticeOf(reason: WithheldReason): string {
  const [why, fix] = withheldReasons[reason];
  return `kubently: output withheld because it may contain Secret values and could not be redacted (${why}). ${fix}\n`;
}

const notices: ReadonlySet<string> = new Set(
  (Object.keys(withheldReasons) as WithheldReason[]).map((reason) => noticeOf(reason)),
);

/** True when `text` is exactly a notice `redactOutput` writes in place of output it withheld. */
export function isWithheldNotice(text: string): boolean {
  return notices.has(text);
}

function withheld(reason: WithheldReason): RedactedOutput {
  return { output: noticeOf(reason), redactions: 1, withheld: true };
}

function redactJson(stdout: string, options: RedactSecretOptions): RedactedOutput {
  const values = splitJsonStream(stdout);
  if (values === null) return withheld('json');
  let redactions = 0;
  const parts = values.map((value) => {
    if (typeof value !== 'object' || value === null) return null;
    redactions += redactSecretValues(value, options);
    return JSON.stringify(value, null, 4);
  });
  if (parts.some((part) => part === null)) return withheld('bareJson');
  return { output: `${parts.join('\n')}\n`, redactions, withheld: false };
}

function redactYaml(stdout: string, options: RedactSecretOptions): RedactedOutput {
  const documents = parseAllDocuments(stdout, { version: '1.1', uniqueKeys: false });
  if (!Array.isArray(documents)) return { output: stdout, redactions: 0, withheld: false };
  let redactions = 0;
  for (const document of documents) {
    if (document.errors.length > 0) return withheld('yaml');
    const contents = document.contents;
    if (contents === null || (!isMap(contents) && !isSeq(contents) && contents.toJSON() === null)) continue;
    if (!isMap(contents) && !isSeq(contents)) return withheld('bareYaml');
    redactions += redactYamlNode(contents, options);
  }
  // Untouched nodes keep kubectl's layout and quoting; only redacted values are new scalars.
  return {
    output: documents.map((document) => document.toString({ lineWidth: 0, indentSeq: false })).join(''),
    redactions,
    withheld: false,
  };
}

function redact(decision: PolicyDecision, stdout: string, completeness: OutputCompleteness): RedactedOutput {
  if (completeness === 'cut') return withheld('cut');
  if (decision.verb === 'describe') {
    const described = redactSecretDescriptions(stdout);
    return described === null ? withheld('describe') : { ...described, withheld: false };
  }
  // Output that may stop inside an object may stop before its `kind`: every map with values counts.
  const options: RedactSecretOptions = { assumeSecret: completeness !== 'complete' };
  const first = stdout.trimStart().charAt(0);
  return first === '{' || first === '[' ? redactJson(stdout, options) : redactYaml(stdout, options);
}

/**
 * Redacts Secret values in kubectl's stdout when `decision.needsRedaction`: JSON or YAML (single
 * objects, Lists, multi-document streams, watch event streams) and `describe secret(s)` output.
 * Fails closed: output that cannot be parsed, or that was cut short, is replaced by a notice saying
 * why (`withheld`, `redactions` at least 1). Values already redacted, and a notice itself, pass
 * unchanged and are not counted again, so a second pass (the server after the executor) is a no-op
 * on honest output. When nothing is replaced the output is returned exactly as given.
 */
export function redactOutput(
  decision: PolicyDecision,
  stdout: string,
  options: RedactOutputOptions = {},
): RedactedOutput {
  if (!decision.needsRedaction || stdout.trim() === '')
    return { output: stdout, redactions: 0, withheld: false };
  if (isWithheldNotice(stdout)) return { output: stdout, redactions: 0, withheld: true };
  let result: RedactedOutput;
  try {
    result = redact(decision, stdout, options.completeness ?? 'complete');
  } catch {
    // The error's message may quote the output: it is not passed on.
    result = withheld('unexpected');
  }
  return result.redactions === 0 && !result.withheld
    ? { output: stdout, redactions: 0, withheld: false }
    : result;
}
