import { describe, expect, it } from 'vitest';

import { evaluate } from '@kubently/policy';

import { configs } from './policy-fixtures.js';

/**
 * A kubectl argument never holds terminal controls: an argv is written into audit records and
 * printed on operators' terminals, where ESC, a one-byte C1 CSI or a bidi override could hide or
 * rewrite what the line shows. The denial reason names the argument with those characters escaped.
 */
const hostile = [
  ['ESC', 'web\u001b[2K\u001b[1A'],
  ['OSC 52', 'x\u001b]52;c;cm0gLXJmIH4=\u0007'],
  ['C1 CSI', 'web\u009b2J'],
  ['C1 OSC', 'web\u009d0;title\u009c'],
  ['DEL', 'web\u007f'],
  ['bidi override', 'web\u202exobniam'],
  ['bidi isolate', 'web\u2066x\u2069'],
  ['line separator', 'web\u2028x'],
] as const;

describe('control characters in argv', () => {
  it.each(hostile)('denies %s in every mode, with the argument escaped in the reason', (_name, token) => {
    for (const config of Object.values(configs)) {
      const decision = evaluate(['get', 'pod', token], config);
      expect(decision.allowed).toBe(false);
      expect(decision.reason).toContain('contains control characters');
      // eslint-disable-next-line no-control-regex -- matching control characters is the point
      expect(decision.reason).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028]/);
    }
  });

  it('still accepts tabs and ordinary Unicode', () => {
    expect(evaluate(['get', 'pods', '-l', 'team=café']).allowed).toBe(true);
    expect(evaluate(['get', 'pods', '-o', 'custom-columns=NAME:.metadata.name\tX:.kind']).allowed).toBe(true);
  });
});
