import { describe, expect, it } from 'vitest';

import { applyNamespace, evaluate, PolicyInputError } from '@kubently/policy';

describe('applyNamespace', () => {
  it('adds --namespace when the command names none', () => {
    expect(applyNamespace(['get', 'pods'], 'team-a')).toEqual(['get', 'pods', '--namespace=team-a']);
    expect(evaluate(applyNamespace(['get', 'pods'], 'team-a')).namespace).toBe('team-a');
  });

  it('leaves args unchanged without a namespace', () => {
    expect(applyNamespace(['get', 'pods'], undefined)).toEqual(['get', 'pods']);
    expect(applyNamespace(['get', 'pods'], '')).toEqual(['get', 'pods']);
  });

  it.each([[['get', 'pods', '-A']], [['get', 'pods', '--all-namespaces']], [['get', '-A', 'pods']]])(
    'leaves %j alone (all namespaces)',
    (args) => {
      expect(applyNamespace(args, 'team-a')).toEqual(args);
    },
  );

  it.each([
    [['get', 'pods', '-n', 'team-a']],
    [['get', 'pods', '-nteam-a']],
    [['get', 'pods', '--namespace=team-a']],
    [['-n', 'team-a', 'get', 'pods']],
    [['kubectl', 'get', 'pods', '-n', 'team-a']],
  ])('leaves %j alone (same namespace)', (args) => {
    expect(applyNamespace(args, 'team-a')).toEqual(args);
  });

  it('throws naming both namespaces when they differ', () => {
    expect(() => applyNamespace(['get', 'pods', '-n', 'team-b'], 'team-a')).toThrow(PolicyInputError);
    expect(() => applyNamespace(['get', 'pods', '-n', 'team-b'], 'team-a')).toThrow(/team-b.*team-a/);
  });

  it('inserts the flag before -- so kubectl still reads it as a flag', () => {
    const args = applyNamespace(['get', 'pods', '--', 'web-1'], 'team-a');
    expect(args).toEqual(['get', 'pods', '--namespace=team-a', '--', 'web-1']);
    expect(evaluate(args).allowed).toBe(true);
  });

  it('appends to commands the policy will deny anyway', () => {
    expect(applyNamespace(['delete', 'pod', 'x', '--bogus'], 'team-a')).toEqual([
      'delete',
      'pod',
      'x',
      '--bogus',
      '--namespace=team-a',
    ]);
  });
});
