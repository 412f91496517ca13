import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { evaluate, isWithheldNotice, redactOutput } from '@kubently/policy';

/**
 * Real `kubectl describe secret(s)` output (kubectl v1.35 on the testbed, captured by
 * fixtures/capture-describe-secrets.sh) and the values that were in those Secrets.
 */
const fixture = (name: string): string => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
const values = JSON.parse(fixture('describe-values.json')) as {
  token: string;
  binaryBase64: string;
  plain: string[];
};

const describeDecision = evaluate('describe secrets -A');

/** Every value in any form that could show: whole, base64, and any 24-character piece of the token. */
function leaks(output: string): string[] {
  const found: string[] = [];
  const forms = [
    values.token,
    Buffer.from(values.token).toString('base64'),
    values.binaryBase64,
    ...values.plain,
    ...values.plain.map((value) => Buffer.from(value).toString('base64')),
  ];
  for (const form of forms) if (output.includes(form)) found.push(form);
  for (let start = 0; start + 24 <= values.token.length; start += 12) {
    const piece = values.token.slice(start, start + 24);
    if (output.includes(piece)) found.push(`token piece at ${start}`);
  }
  return found;
}

const parseable = [
  ['describe-secret-token.txt', 1],
  ['describe-secrets-namespace.txt', 1],
  ['describe-secrets-slash.txt', 0],
  ['describe-secrets-label.txt', 1],
  ['describe-secrets-prefix.txt', 0],
  ['describe-secrets-all-namespaces.txt', 1],
] as const;

describe('redactOutput on kubectl describe secret(s)', () => {
  it('the fixtures hold the service-account token kubectl printed whole', () => {
    expect(fixture('describe-secret-token.txt')).toContain(`token:      ${values.token}\n`);
    expect(values.token.length).toBeGreaterThan(100);
  });

  it.each(parseable)('%s: redacts every value, keeps every key and byte count', (name, tokens) => {
    const stdout = fixture(name);
    const { output, redactions, withheld } = redactOutput(describeDecision, stdout);
    expect(withheld).toBe(false);
    expect(redactions).toBe(tokens);
    expect(leaks(output)).toEqual([]);
    const before = stdout.split('\n');
    const after = output.split('\n');
    expect(after).toHaveLength(before.length);
    for (const [index, line] of before.entries()) {
      if (line.startsWith('token:') && line.includes(values.token)) {
        expect(after[index]).toBe(`token:      <redacted: ${values.token.length} bytes>`);
      } else {
        expect(after[index]).toBe(line);
      }
    }
  });

  it('keeps the keys and byte counts of every Secret type', () => {
    const { output } = redactOutput(describeDecision, fixture('describe-secrets-namespace.txt'));
    for (const line of [
      'binary:    48 bytes',
      'empty:     0 bytes',
      'password:  21 bytes',
      '.dockerconfigjson:  ',
      'ca.crt:     ',
      'namespace:  8 bytes',
      'tls.crt:  ',
      'tls.key:  ',
      'username:  5 bytes',
      'apikey:  21 bytes',
      'Type:  kubernetes.io/service-account-token',
    ]) {
      expect(output).toContain(line);
    }
    // Annotation text that looks like a Data section is header text, not a value: it stays.
    expect(output).toContain('                token:  looks-like-a-value');
  });

  it('does not print the last-applied-configuration annotation (verified: kubectl skips it)', () => {
    const applied = fixture('get-secret-applied.yaml');
    expect(applied).toContain('kubectl.kubernetes.io/last-applied-configuration');
    expect(fixture('describe-secrets-namespace.txt')).not.toContain('last-applied-configuration');
  });

  it.each(['describe-secret-handmade-token.txt', 'describe-secret-odd-type.txt'])(
    '%s: withholds a description whose shape is not a real one (fail closed)',
    (name) => {
      const { output, redactions, withheld } = redactOutput(describeDecision, fixture(name));
      expect(withheld).toBe(true);
      expect(redactions).toBe(1);
      expect(leaks(output)).toEqual([]);
      expect(output).toMatch(/not the description of Secrets kubectl prints/);
      expect(isWithheldNotice(output)).toBe(true);
    },
  );

  it('withholds output cut anywhere inside a description, or redacts it whole', () => {
    const stdout = fixture('describe-secrets-namespace.txt');
    for (let end = 1; end < stdout.length; end += 7) {
      const { output } = redactOutput(describeDecision, stdout.slice(0, end));
      expect(leaks(output), `cut at ${end}`).toEqual([]);
      const tokenLine = stdout.indexOf(values.token);
      if (end > tokenLine && end < tokenLine + values.token.length) {
        expect(output, `cut at ${end}`).toMatch(/^kubently: output withheld/);
      }
    }
  });

  it('withholds what is not a Secret description (a pod named like one, a generic describer)', () => {
    const pod = [
      'Name:             secrets',
      'Namespace:        default',
      'Priority:         0',
      'Service Account:  default',
      'Node:             worker-1/10.0.0.1',
      '',
    ].join('\n');
    const decision = evaluate('describe pod secrets');
    const { output, withheld } = redactOutput(decision, pod);
    expect(withheld).toBe(true);
    expect(output).toMatch(/Describe Secrets in a command of their own/);
  });

  it('redacts a value line in any Secret that is not a byte count (fail closed on shapes kubectl never prints)', () => {
    const stdout = [
      'Name:         db',
      'Namespace:    default',
      'Labels:       <none>',
      'Annotations:  <none>',
      '',
      'Type:  Opaque',
      '',
      'Data',
      '====',
      'password:  hunter2',
      'token:     12 bytes',
      '',
    ].join('\n');
    const { output, redactions } = redactOutput(describeDecision, stdout);
    expect(redactions).toBe(1);
    expect(output).toContain('password:  <redacted: 7 bytes>\n');
    expect(output).toContain('token:     12 bytes\n');
  });

  it('redacts the token of a service-account-token Secret even when it reads like a byte count', () => {
    const stdout = fixture('describe-secret-token.txt').replace(values.token, '12 bytes');
    const { output, redactions } = redactOutput(describeDecision, stdout);
    expect(redactions).toBe(1);
    expect(output).toContain('token:      <redacted: 8 bytes>\n');
  });

  it('passes its own output through unchanged on a second pass (the server after the executor)', () => {
    for (const [name] of parseable) {
      const first = redactOutput(describeDecision, fixture(name));
      const second = redactOutput(describeDecision, first.output);
      expect(second).toEqual({ output: first.output, redactions: 0, withheld: false });
    }
    const notice = redactOutput(describeDecision, fixture('describe-secret-odd-type.txt')).output;
    expect(redactOutput(describeDecision, notice)).toEqual({ output: notice, redactions: 0, withheld: true });
  });

  it('does not accept a notice with anything appended as a notice', () => {
    const notice = redactOutput(describeDecision, fixture('describe-secret-odd-type.txt')).output;
    const smuggled = `${notice}${fixture('describe-secret-token.txt')}`;
    expect(isWithheldNotice(smuggled)).toBe(false);
    expect(leaks(redactOutput(describeDecision, smuggled).output)).toEqual([]);
  });
});
