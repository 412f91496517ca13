import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';

import { evaluate, parsePolicyConfig, redactOutput, tokenize } from '@kubently/policy';

import {
  allTokens,
  forbiddenFlags,
  generateArgv,
  names,
  readVerbs,
  resources,
  safeFlags,
  seededRandom,
  streamFlags,
  templateFlags,
  writeVerbs,
} from './argv-grammar.js';
import { configs } from './policy-fixtures.js';
import { violationsOf } from './read-only-invariants.js';

const restrictedConfig = parsePolicyConfig({ restrictedResources: ['configmaps'] });
const noRestrictions = new Set<string>();
const configMapSpellings = new Set(['configmaps', 'configmap', 'cm']);

const token = fc.constantFrom(...allTokens);
const unstructured = fc
  .tuple(fc.boolean(), fc.array(token, { minLength: 1, maxLength: 8 }))
  .map(([prefix, tokens]) => (prefix ? ['kubectl', ...tokens] : tokens));
const structured = fc
  .tuple(
    fc.constantFrom(...readVerbs, ...writeVerbs),
    fc.constantFrom(...resources),
    fc.option(fc.constantFrom(...names), { nil: undefined }),
    fc.array(fc.constantFrom(...safeFlags, ...templateFlags, ...streamFlags, ...forbiddenFlags), {
      maxLength: 4,
    }),
  )
  .chain(([verb, resource, name, flags]) =>
    fc
      .shuffledSubarray([resource, ...(name === undefined ? [] : [name]), ...flags], {
        minLength: 1 + (name === undefined ? 0 : 1) + flags.length,
      })
      .map((rest) => [verb, ...rest]),
  );
const argvArbitrary = fc.oneof(unstructured, structured);

const runs = { numRuns: 2000 };
// Generous limits: the machine is shared; these are not timing assertions.
const limit = { timeout: 120_000 };

describe('properties over generated argv', limit, () => {
  it('never allows anything outside the read-only grammar in readOnly', () => {
    fc.assert(
      fc.property(argvArbitrary, (argv) => {
        const decision = evaluate(argv, configs.readOnly);
        expect(violationsOf(argv, decision, { mode: 'readOnly', restricted: noRestrictions })).toEqual([]);
      }),
      runs,
    );
  });

  it('keeps forbidden flags and template output on Secrets denied in extendedReadOnly and fullAccess', () => {
    for (const mode of ['extendedReadOnly', 'fullAccess'] as const) {
      fc.assert(
        fc.property(argvArbitrary, (argv) => {
          const decision = evaluate(argv, configs[mode]);
          expect(violationsOf(argv, decision, { mode, restricted: noRestrictions })).toEqual([]);
        }),
        runs,
      );
    }
  });

  it('never allows a configured restricted resource', () => {
    fc.assert(
      fc.property(argvArbitrary, (argv) => {
        const decision = evaluate(argv, restrictedConfig);
        expect(violationsOf(argv, decision, { mode: 'readOnly', restricted: configMapSpellings })).toEqual(
          [],
        );
      }),
      runs,
    );
  });

  it('denies every write verb in readOnly wherever the flags go', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...writeVerbs),
        fc.array(fc.constantFrom(...safeFlags, ...names, ...resources), { maxLength: 5 }),
        (verb, rest) => {
          expect(evaluate([verb, ...rest], configs.readOnly).allowed).toBe(false);
          expect(evaluate(['-n', 'x', verb, ...rest], configs.readOnly).allowed).toBe(false);
        },
      ),
      runs,
    );
  });

  it('denies every argv that holds a forbidden flag token anywhere', () => {
    const forbidden = fc.constantFrom(...forbiddenFlags.filter((flag) => flag.startsWith('-')));
    fc.assert(
      fc.property(argvArbitrary, forbidden, fc.nat(), (argv, flag, at) => {
        const position = argv.length === 0 ? 0 : at % (argv.length + 1);
        const withFlag = [...argv.slice(0, position), flag, ...argv.slice(position)];
        for (const config of Object.values(configs)) {
          const decision = evaluate(withFlag, config);
          const afterExecDash =
            config.mode === 'fullAccess' &&
            ['exec', 'run', 'debug'].includes(decision.verb ?? '') &&
            withFlag.indexOf('--') !== -1 &&
            withFlag.indexOf('--') < position;
          if (!afterExecDash) expect(decision.allowed, withFlag.join(' ')).toBe(false);
        }
      }),
      runs,
    );
  });

  it('never throws, for arbitrary strings and arbitrary argv', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (command) => {
        const decision = evaluate(command);
        expect(typeof decision.allowed).toBe('boolean');
        expect(decision.reason.length).toBeGreaterThan(0);
      }),
      runs,
    );
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 30 }), { maxLength: 10 }), (argv) => {
        const decision = evaluate(argv);
        expect(violationsOf(argv, decision, { mode: 'readOnly', restricted: noRestrictions })).toEqual([]);
      }),
      runs,
    );
  });

  it('tokenize round-trips words quoted with single quotes', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 20 }), { maxLength: 6 }), (words) => {
        const command = words.map((word) => `'${word.replaceAll("'", `'\\''`)}'`).join(' ');
        expect(tokenize(command)).toEqual(words);
      }),
      runs,
    );
  });

  it('agrees with the seeded generator used by the fuzz bench', () => {
    const random = seededRandom(42);
    for (let index = 0; index < 5_000; index += 1) {
      const argv = generateArgv(random);
      const decision = evaluate(argv, configs.readOnly);
      expect(violationsOf(argv, decision, { mode: 'readOnly', restricted: noRestrictions })).toEqual([]);
    }
  });
});

describe('redaction properties', limit, () => {
  const key = fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/);
  const value = fc.uint8Array({ minLength: 6, maxLength: 64 });
  const data = fc.dictionary(key, value, { minKeys: 1, maxKeys: 6 });

  function secretObject(name: string, entries: Record<string, Uint8Array>): Record<string, unknown> {
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name },
      data: Object.fromEntries(
        Object.entries(entries).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
      ),
    };
  }

  it('never leaves a data value in JSON or YAML output, single or List, and keeps every key', () => {
    const decision = evaluate('get secrets -o yaml');
    fc.assert(
      fc.property(
        fc.array(data, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        fc.boolean(),
        (maps, asList, asJson) => {
          const objects = maps.map((entries, index) => secretObject(`s${index}`, entries));
          const document =
            asList || objects.length > 1 ? { apiVersion: 'v1', kind: 'List', items: objects } : objects[0];
          // kubectl's YAML quotes every string a YAML 1.1 reader would misread, as stringify does in 1.1 mode.
          const stdout = asJson ? JSON.stringify(document, null, 4) : stringify(document, { version: '1.1' });
          const { output, redactions } = redactOutput(decision, stdout);
          const expectedCount = maps.reduce((sum, entries) => sum + Object.keys(entries).length, 0);
          expect(redactions).toBe(expectedCount);
          for (const entries of maps) {
            for (const [k, bytes] of Object.entries(entries)) {
              expect(output).not.toContain(Buffer.from(bytes).toString('base64'));
              expect(output).toContain(`<redacted: ${bytes.length} bytes>`);
              expect(output).toContain(k.length > 0 ? k : '');
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
