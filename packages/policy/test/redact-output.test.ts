import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

import { evaluate, isWithheldNotice, redactOutput } from '@kubently/policy';

const jsonDecision = evaluate('get secrets -A -o json');
const yamlDecision = evaluate('get all,secrets -o yaml');

const password = Buffer.from('hunter2-very-secret').toString('base64');
const token = Buffer.from('tok-0123456789').toString('base64');

function secret(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'default' },
    type: 'Opaque',
    data: { password, token },
    ...extra,
  };
}

const configMap = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'app' },
  data: { mode: 'plain-value' },
};

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 4)}\n`;
}

describe('redactOutput', () => {
  it('redacts a single Secret in JSON, keeping keys and byte lengths', () => {
    const { output, redactions } = redactOutput(jsonDecision, json(secret('db')));
    expect(redactions).toBe(2);
    const parsed = JSON.parse(output) as { data: Record<string, string>; metadata: { name: string } };
    expect(parsed.data).toEqual({ password: '<redacted: 19 bytes>', token: '<redacted: 14 bytes>' });
    expect(parsed.metadata.name).toBe('db');
    expect(output).not.toContain(password);
  });

  it('redacts every Secret of a List and leaves other kinds alone', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [secret('a'), configMap, secret('b')],
      metadata: {},
    };
    const { output, redactions } = redactOutput(jsonDecision, json(list));
    expect(redactions).toBe(4);
    expect(output).not.toContain(password);
    expect(output).not.toContain(token);
    expect(output).toContain('plain-value');
  });

  it('treats list items without a kind but with metadata and data as Secrets (fails closed)', () => {
    const kindless = { metadata: { name: 'db' }, data: { password } };
    const list = { apiVersion: 'v1', kind: 'List', items: [kindless, configMap], metadata: {} };
    const fromJson = redactOutput(jsonDecision, json(list));
    expect(fromJson.redactions).toBe(1);
    expect(fromJson.output).not.toContain(password);
    expect(fromJson.output).toContain('plain-value');
    const fromYaml = redactOutput(
      yamlDecision,
      'apiVersion: v1\nkind: List\nitems:\n- metadata:\n    name: db\n  data:\n    password: ' +
        password +
        '\n',
    );
    expect(fromYaml.redactions).toBe(1);
    expect(fromYaml.output).not.toContain(password);
  });

  it('redacts stringData by string byte length', () => {
    const { output, redactions } = redactOutput(
      jsonDecision,
      json(secret('s', { data: undefined, stringData: { pw: 'pässwörd' } })),
    );
    expect(redactions).toBe(1);
    expect(JSON.parse(output)).toMatchObject({ stringData: { pw: '<redacted: 10 bytes>' } });
  });

  it('redacts Secrets inside the last-applied-configuration annotation', () => {
    const inner = JSON.stringify(secret('db'));
    const object = secret('db', {
      metadata: {
        name: 'db',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': `${inner}\n`, other: 'kept' },
      },
    });
    const { output, redactions } = redactOutput(jsonDecision, json(object));
    expect(redactions).toBe(4);
    expect(output).not.toContain(password);
    expect(output).toContain('kept');
    const annotation = (JSON.parse(output) as { metadata: { annotations: Record<string, string> } }).metadata
      .annotations['kubectl.kubernetes.io/last-applied-configuration'];
    expect(JSON.parse(annotation ?? '')).toMatchObject({ data: { password: '<redacted: 19 bytes>' } });
  });

  it('withholds an unparseable last-applied-configuration of a Secret', () => {
    const object = secret('db', {
      metadata: {
        name: 'db',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': `{"data":{"p":"${password}"` },
      },
    });
    const { output, redactions } = redactOutput(jsonDecision, json(object));
    expect(redactions).toBe(3);
    expect(output).not.toContain(password);
  });

  it('redacts a watch stream of JSON objects', () => {
    const stream = `${json(secret('a'))}${json({ type: 'MODIFIED', object: secret('b') })}`;
    const { output, redactions } = redactOutput(jsonDecision, stream);
    expect(redactions).toBe(4);
    expect(output).not.toContain(password);
  });

  const yamlSecret = `apiVersion: v1
data:
  password: ${password}
  token: ${token}
kind: Secret
metadata:
  name: db
  namespace: default
type: Opaque
`;

  it('redacts a single Secret in YAML', () => {
    const { output, redactions } = redactOutput(yamlDecision, yamlSecret);
    expect(redactions).toBe(2);
    expect(parse(output)).toMatchObject({
      data: { password: '<redacted: 19 bytes>', token: '<redacted: 14 bytes>' },
    });
    expect(output).not.toContain(password);
  });

  it('redacts a YAML List and multi-document streams', () => {
    const list = `apiVersion: v1
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: app
  data:
    on: "yes"
- ${yamlSecret.trimEnd().split('\n').join('\n  ')}
kind: List
metadata:
  resourceVersion: ""
`;
    const listResult = redactOutput(yamlDecision, list);
    expect(listResult.redactions).toBe(2);
    expect(listResult.output).not.toContain(password);
    expect(listResult.output).toContain('"yes"');

    const multi = `${yamlSecret}---\n${yamlSecret.replace('name: db', 'name: db2')}`;
    const multiResult = redactOutput(yamlDecision, multi);
    expect(multiResult.redactions).toBe(4);
    expect(parseAllDocuments(multiResult.output)).toHaveLength(2);
    expect(multiResult.output).not.toContain(token);
  });

  it('keeps kubectl YAML byte for byte apart from the redacted values', () => {
    const kubectlYaml = `apiVersion: v1
items:
- apiVersion: v1
  data:
    "0755": ${password}
    tls.crt: ${token}
  kind: Secret
  metadata:
    creationTimestamp: "2024-01-01T00:00:00Z"
    labels:
      "on": "yes"
    name: db
  type: kubernetes.io/tls
kind: List
metadata:
  resourceVersion: ""
`;
    const { output, redactions } = redactOutput(yamlDecision, kubectlYaml);
    expect(redactions).toBe(2);
    expect(output).toBe(
      kubectlYaml.replace(password, '"<redacted: 19 bytes>"').replace(token, '"<redacted: 14 bytes>"'),
    );
  });

  it('redacts multi-line block scalars', () => {
    const block = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ndata:\n  cert: |\n    ${password}\n    ${token}\n`;
    const { output, redactions } = redactOutput(yamlDecision, block);
    expect(redactions).toBe(1);
    expect(output).not.toContain(password);
  });

  it('fails closed on output it cannot parse', () => {
    for (const stdout of [
      `{"kind":"Secret","data":{"p":"${password}"}`,
      `kind: Secret\ndata:\n  p: ${password}\n  - broken: [`,
      `NAME   TYPE     DATA   AGE\ndb     Opaque   2      1d\n`,
      `"${password}"`,
      `{"kind":"Secret"} trailing ${password}`,
    ]) {
      const { output, redactions } = redactOutput(jsonDecision, stdout);
      expect(redactions, stdout).toBeGreaterThanOrEqual(1);
      expect(output).not.toContain(password);
      expect(output).toContain('withheld');
    }
  });

  it('passes output through when no redaction is needed or there is none', () => {
    const table = 'NAME   READY\nweb    1/1\n';
    expect(redactOutput(evaluate('get pods'), table)).toEqual({
      output: table,
      redactions: 0,
      withheld: false,
    });
    expect(redactOutput(jsonDecision, '')).toEqual({ output: '', redactions: 0, withheld: false });
    const empty = json({ apiVersion: 'v1', items: [], kind: 'List', metadata: { resourceVersion: '' } });
    expect(redactOutput(jsonDecision, empty).redactions).toBe(0);
  });

  it('withholds a Secret whose data is not a map', () => {
    const { output, redactions } = redactOutput(jsonDecision, json(secret('x', { data: password })));
    expect(redactions).toBe(1);
    expect(output).not.toContain(password);
  });

  describe('output that may be incomplete', () => {
    /** What kubectl had printed when it was killed at its timeout: `data` came before `kind`. */
    const cutBeforeKind = `apiVersion: v1\ndata:\n  password: ${password}\n`;

    it('treats every map with data as a Secret when kubectl did not exit cleanly', () => {
      expect(redactOutput(yamlDecision, cutBeforeKind).output).toContain(password);
      const uncertain = redactOutput(yamlDecision, cutBeforeKind, { completeness: 'uncertain' });
      expect(uncertain.output).not.toContain(password);
      expect(uncertain.redactions).toBe(1);
      const fromJson = redactOutput(jsonDecision, json({ apiVersion: 'v1', data: { password } }), {
        completeness: 'uncertain',
      });
      expect(fromJson.output).not.toContain(password);
    });

    it('withholds output that was cut short, with the reason and the fix', () => {
      const cut = redactOutput(yamlDecision, cutBeforeKind, { completeness: 'cut' });
      expect(cut.withheld).toBe(true);
      expect(cut.redactions).toBe(1);
      expect(cut.output).not.toContain(password);
      expect(cut.output).toMatch(/stopped before it finished.*Narrow the query/);
      expect(isWithheldNotice(cut.output)).toBe(true);
    });

    it('leaves output that needs no redaction alone whatever its completeness', () => {
      const table = 'NAME   READY\nweb    1/1\n';
      expect(redactOutput(evaluate('get pods -o yaml'), table, { completeness: 'cut' }).output).toBe(table);
    });
  });

  describe('a second pass (the server checking an executor)', () => {
    it('keeps markers and notices as they are and counts nothing', () => {
      const object = secret('db', {
        metadata: {
          name: 'db',
          annotations: {
            'kubectl.kubernetes.io/last-applied-configuration': `${JSON.stringify(secret('db'))}\n`,
          },
        },
      });
      for (const [decision, stdout] of [
        [jsonDecision, json(object)],
        [yamlDecision, yamlSecret],
        [jsonDecision, json(secret('x', { data: password }))],
        [jsonDecision, '{"kind":"Secret","data":'],
      ] as const) {
        const first = redactOutput(decision, stdout);
        expect(first.redactions).toBeGreaterThan(0);
        const second = redactOutput(decision, first.output);
        expect(second.output).toBe(first.output);
        expect(second.redactions).toBe(0);
      }
    });

    it('still redacts a value next to a marker', () => {
      const mixed = json(secret('db', { data: { password: '<redacted: 19 bytes>', token } }));
      const { output, redactions } = redactOutput(jsonDecision, mixed);
      expect(redactions).toBe(1);
      expect(output).not.toContain(token);
    });
  });

  it('redacts every data field of a YAML map that repeats the key', () => {
    const repeated = `apiVersion: v1\nkind: Secret\ndata: {}\ndata:\n  password: ${password}\nmetadata:\n  name: db\n`;
    const { output } = redactOutput(yamlDecision, repeated);
    expect(output).not.toContain(password);
  });

  it('never quotes the output in a notice', () => {
    const { output } = redactOutput(jsonDecision, `{"kind":"Secret","data":{"p":"${password}"`);
    expect(isWithheldNotice(output)).toBe(true);
    expect(output).not.toContain(password);
  });
});
