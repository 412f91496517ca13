import { describe, expect, it } from 'vitest';

import {
  defaultPolicyConfig,
  evaluate,
  parsePolicyConfig,
  PolicyConfigError,
  policyConfigSchema,
} from '@kubently/policy';

function configError(input: unknown): PolicyConfigError {
  try {
    parsePolicyConfig(input);
  } catch (error) {
    if (error instanceof PolicyConfigError) return error;
    throw error;
  }
  throw new Error('expected a PolicyConfigError');
}

describe('policy configuration', () => {
  it('defaults to readOnly with nothing extra', () => {
    expect(parsePolicyConfig({})).toEqual({
      mode: 'readOnly',
      fullAccessAcknowledged: false,
      extraVerbs: [],
      extraFlags: [],
      restrictedResources: [],
    });
    expect(parsePolicyConfig(undefined).mode).toBe('readOnly');
    expect(defaultPolicyConfig().mode).toBe('readOnly');
    expect(defaultPolicyConfig('extendedReadOnly').mode).toBe('extendedReadOnly');
  });

  it('returns a frozen object', () => {
    const config = parsePolicyConfig({ extraVerbs: ['rollout restart'] });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.extraVerbs)).toBe(true);
  });

  const invalid: [unknown, string, RegExp][] = [
    [{ mode: 'admin' }, 'mode', /mode/],
    [{ mode: 'fullAccess' }, 'fullAccessAcknowledged', /fullAccessAcknowledged: true/],
    [{ mode: 'fullAccess', fullAccessAcknowledged: 'yes' }, 'fullAccessAcknowledged', /boolean/],
    [{ extraVerb: ['top'] }, '(root)', /extraVerb/],
    [{ restrictedResource: ['cm'] }, '(root)', /restrictedResource/],
    [{ extraVerbs: 'top' }, 'extraVerbs', /array/],
    [{ extraVerbs: ['Delete'] }, 'extraVerbs.0', /lower-case/],
    [{ extraVerbs: ['kubectl-evil'] }, 'extraVerbs.0', /not a kubectl command/],
    [{ extraVerbs: ['config'] }, 'extraVerbs.0', /never be allowed/],
    [{ extraVerbs: ['cp'] }, 'extraVerbs.0', /never be allowed/],
    [{ extraVerbs: ['create token'] }, 'extraVerbs.0', /never be allowed/],
    [{ extraFlags: ['chunk-size'] }, 'extraFlags.0', /long flag/],
    [{ extraFlags: ['--kubeconfig'] }, 'extraFlags.0', /always rejected/],
    [{ extraFlags: ['--as_group'] }, 'extraFlags.0', /always rejected/],
    [{ extraFlags: ['--raw'] }, 'extraFlags.0', /always rejected/],
    [{ extraFlags: ['--x=1'] }, 'extraFlags.0', /long flag/],
    [{ restrictedResources: ['config maps'] }, 'restrictedResources.0', /resource/],
    [{ restrictedResources: [42] }, 'restrictedResources.0', /string/],
    ['readOnly', '(root)', /object/],
    [[], '(root)', /object/],
  ];
  it.each(invalid)('fails closed on %j naming %s', (input, field, message) => {
    const error = configError(input);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
    expect(error.message.length).toBeGreaterThan(30);
  });

  it('reads an empty file (null) as the default readOnly policy', () => {
    expect(parsePolicyConfig(null).mode).toBe('readOnly');
  });

  it('refuses to default into fullAccess', () => {
    expect(() => defaultPolicyConfig('fullAccess')).toThrow(PolicyConfigError);
  });

  it('treats a hand-built fullAccess config without acknowledgement as readOnly', () => {
    const forged = { ...parsePolicyConfig({}), mode: 'fullAccess' as const };
    expect(evaluate('delete pod x', forged).allowed).toBe(false);
    expect(evaluate('get pods', forged).allowed).toBe(true);
  });

  it('exposes the file schema', () => {
    expect(policyConfigSchema.safeParse({ mode: 'readOnly', extra: 1 }).success).toBe(false);
  });

  it('grants extra verbs and subcommands without other write commands', () => {
    const config = parsePolicyConfig({ extraVerbs: ['rollout restart', 'cordon'] });
    expect(evaluate('rollout restart deploy/web', config).allowed).toBe(true);
    expect(evaluate('cordon node-1', config).allowed).toBe(true);
    expect(evaluate('rollout undo deploy/web', config).allowed).toBe(false);
    expect(evaluate('delete pod x', config).allowed).toBe(false);
  });

  it('grants extra flags (unknown ones in boolean or --flag=value form)', () => {
    const config = parsePolicyConfig({ extraFlags: ['--follow', '--new-flag'] });
    expect(evaluate('logs -f web --tail=10', config).allowed).toBe(true);
    expect(evaluate('get pods --new-flag', config).allowed).toBe(true);
    expect(evaluate('get pods --new-flag=3', config).allowed).toBe(true);
    expect(evaluate('get pods --new-flag', parsePolicyConfig({})).reason).toContain('--new-flag');
    // The separate-token form is read as a positional: here a second resource name, still checked.
    expect(evaluate('get pods --new-flag $(id)', config).allowed).toBe(false);
  });
});
