import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import {
  createPalette,
  listFormats,
  parseOutputFormat,
  printListing,
  shouldUseColor,
  toYamlText,
} from '../src/format/index.js';
import type { Listing } from '../src/format/index.js';

const collect = () => {
  let text = '';
  return { write: (chunk: string) => (text += chunk), text: () => text };
};

const listing: Listing = {
  document: {
    clusters: [
      { id: 'prod', connected: true },
      { id: 'staging', connected: false },
    ],
  },
  names: ['prod', 'staging'],
  header: ['CLUSTER', 'CONNECTED'],
  rows: [
    ['prod', 'yes'],
    ['staging', 'no'],
  ],
  wide: { header: ['KUBECTL'], rows: [['v1.35.4'], ['-']] },
  empty: 'No clusters.',
};

const print = (format: (typeof listFormats)[number], value: Listing = listing): string => {
  const output = collect();
  printListing(output, format, value);
  return output.text();
};

describe('-o on listing commands', () => {
  it('table, wide, json, yaml and name print the same items', () => {
    expect(print('table')).toBe('CLUSTER  CONNECTED\nprod     yes\nstaging  no\n');
    expect(print('wide')).toBe(
      'CLUSTER  CONNECTED  KUBECTL\nprod     yes        v1.35.4\nstaging  no         -\n',
    );
    expect(print('name')).toBe('prod\nstaging\n');
    const documentSchema = z.object({
      clusters: z.array(z.object({ id: z.string(), connected: z.boolean() })),
    });
    expect(documentSchema.parse(JSON.parse(print('json')))).toEqual(listing.document);
    expect(documentSchema.parse(parseYaml(print('yaml')))).toEqual(listing.document);
  });

  it('an empty listing says so in a table and prints an empty document otherwise', () => {
    const empty = {
      ...listing,
      document: { clusters: [] },
      names: [],
      rows: [],
      wide: { header: ['KUBECTL'], rows: [] },
    };
    expect(print('table', empty)).toBe('No clusters.\n');
    expect(print('wide', empty)).toBe('No clusters.\n');
    expect(print('name', empty)).toBe('');
    expect(print('json', empty)).toBe('{\n  "clusters": []\n}\n');
  });

  it('one wording for a bad -o, naming every choice', () => {
    expect(() => parseOutputFormat('xml', listFormats)).toThrow(
      '-o/--output must be one of table, wide, json, yaml, name (got "xml")',
    );
    expect(() => parseOutputFormat('wide')).toThrow(
      '-o/--output must be one of table, json, yaml (got "wide")',
    );
    expect(parseOutputFormat(undefined, listFormats)).toBe('table');
  });
});

describe('toYamlText', () => {
  it('writes bidi, C1 and escape characters as escapes of the same value', () => {
    const value = { name: 'x\u202ey\u001b[2Jz\u0085', plain: 'web' };
    const text = toYamlText(value);
    // eslint-disable-next-line no-control-regex -- the point is that none is left raw
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(text).toContain('plain: web');
    expect(z.object({ name: z.string(), plain: z.string() }).parse(parseYaml(text))).toEqual(value);
  });
});

describe('shouldUseColor', () => {
  const terminal = { write: () => undefined, isTTY: true };
  const pipe = { write: () => undefined };
  it.each([
    [terminal, {}, true],
    [pipe, {}, false],
    [terminal, { NO_COLOR: '1' }, false],
    [terminal, { TERM: 'dumb' }, false],
    [pipe, { FORCE_COLOR: '1' }, true],
    [pipe, { FORCE_COLOR: '0' }, false],
    [pipe, { FORCE_COLOR: '1', NO_COLOR: '1' }, false],
  ])('%o with %o → %s', (output, env, expected) => {
    expect(shouldUseColor(output, env)).toBe(expected);
  });

  it('the palette is plain when colour is off', () => {
    expect(createPalette(false).red('denied')).toBe('denied');
    expect(createPalette(true).red('denied')).toBe('\u001b[31mdenied\u001b[39m');
  });
});
