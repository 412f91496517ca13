import { isRedactionMarker, redactionMarker, utf8Length } from './redact-secret-values.js';

export interface RedactedDescriptions {
  readonly output: string;
  readonly redactions: number;
}

const serviceAccountTokenType = 'kubernetes.io/service-account-token';
// Secret data keys are validated by the API server: letters, digits, '-', '_' and '.'.
const dataLine = /^([-._a-zA-Z0-9]+):( +)(.*)$/;
const byteCount = /^[0-9]+ bytes$/;

class ShapeError extends Error {}

function fail(line: number, expected: string): never {
  throw new ShapeError(`line ${line + 1}: expected ${expected}`);
}

/**
 * Reads kubectl's description of one Secret starting at `lines[start]` (kubectl's describeSecret:
 * Name, Namespace, Labels, Annotations, a blank line, Type, a blank line, `Data`, `====`, then one
 * `key:<padding>value` line per key) and redacts its values in place. Returns the index after it.
 * Header continuation lines (more labels, more annotations, multi-line annotation values) are
 * indented by kubectl's tabwriter, so no unindented line can hide in them.
 */
function redactOne(lines: string[], start: number, counter: { redactions: number }): number {
  let index = start;
  const expect = (pattern: RegExp, expected: string): RegExpExecArray => {
    const match = pattern.exec(lines[index] ?? '');
    if (index >= lines.length || match === null) fail(index, expected);
    index += 1;
    return match;
  };
  expect(/^Name: +\S/, '"Name:"');
  expect(/^Namespace: +\S/, '"Namespace:"');
  expect(/^Labels: +\S/, '"Labels:"');
  while (/^ +\S/.test(lines[index] ?? '')) index += 1;
  expect(/^Annotations: +\S/, '"Annotations:"');
  while (/^ /.test(lines[index] ?? '')) index += 1;
  expect(/^$/, 'a blank line before "Type:"');
  const type = expect(/^Type:(?: +(.*))?$/, '"Type:"')[1] ?? '';
  expect(/^$/, 'a blank line before "Data"');
  expect(/^Data$/, '"Data"');
  expect(/^====$/, '"===="');
  const isTokenSecret = type === serviceAccountTokenType;
  for (; index < lines.length && lines[index] !== ''; index += 1) {
    const match = dataLine.exec(lines[index] ?? '');
    if (match === null) fail(index, 'a "key:  N bytes" line of the Data section');
    const [, key = '', padding = '', value = ''] = match;
    // kubectl prints byte counts, except the token of a service-account-token Secret, which it
    // prints whole. Anything that is not a count is a value; a marker was redacted already.
    const isCount = byteCount.test(value) && !(isTokenSecret && key === 'token');
    if (isCount || isRedactionMarker(value)) continue;
    lines[index] = `${key}:${padding}${redactionMarker(utf8Length(value))}`;
    counter.redactions += 1;
  }
  return index;
}

/**
 * Redacts the output of `kubectl describe secret(s)`: keys and byte counts stay, every value line
 * of every Data section becomes `key:  <redacted: N bytes>` (N: the bytes kubectl printed). Handles
 * one or many descriptions, separated as kubectl separates them (two blank lines, or one after a
 * name-prefix match). Returns null when the output is not exactly that shape, so the caller
 * withholds it (fail closed): a Secret's description never varies, anything else is not one.
 *
 * Known limit: a hand-written service-account-token Secret whose token value holds line breaks
 * followed by text shaped like a whole description makes those lines read as another description;
 * kubectl prints the token whole, so only the author of that value can shape it.
 */
export function redactSecretDescriptions(stdout: string): RedactedDescriptions | null {
  if (!stdout.endsWith('\n')) return null;
  const lines = stdout.slice(0, -1).split('\n');
  const counter = { redactions: 0 };
  try {
    let index = redactOne(lines, 0, counter);
    while (index < lines.length) {
      let blanks = 0;
      while (lines[index] === '' && blanks < 2) {
        index += 1;
        blanks += 1;
      }
      if (index >= lines.length && blanks === 1) break;
      if (blanks === 0) fail(index, 'a blank line after the Data section');
      index = redactOne(lines, index, counter);
    }
  } catch (error) {
    if (error instanceof ShapeError) return null;
    throw error;
  }
  return { output: `${lines.join('\n')}\n`, redactions: counter.redactions };
}
