import { describe, expect, it } from 'vitest';

import { PolicyInputError, tokenize } from '@kubently/policy';

describe('tokenize', () => {
  const cases: [string, string[]][] = [
    ['get pods', ['get', 'pods']],
    ['  get   pods  ', ['get', 'pods']],
    ['kubectl get pods -n kube-system', ['kubectl', 'get', 'pods', '-n', 'kube-system']],
    [
      "get pods -o jsonpath='{.items[*].metadata.name}'",
      ['get', 'pods', '-o', 'jsonpath={.items[*].metadata.name}'],
    ],
    ['get pods -o "jsonpath={.items[0].spec}"', ['get', 'pods', '-o', 'jsonpath={.items[0].spec}']],
    [
      'get pods -o jsonpath=\'{range .items[*]}{.metadata.name}{"\\n"}{end}\'',
      ['get', 'pods', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}'],
    ],
    ['get pods -l "app in (a, b)"', ['get', 'pods', '-l', 'app in (a, b)']],
    ['get pods -l app\\ =x', ['get', 'pods', '-l', 'app =x']],
    ['echo "a\\"b"', ['echo', 'a"b']],
    ['echo "a\\$b"', ['echo', 'a$b']],
    ['echo "a\\nb"', ['echo', 'a\\nb']],
    ["echo 'a\\b'", ['echo', 'a\\b']],
    ['echo a""b', ['echo', 'ab']],
    ["echo ''", ['echo', '']],
    ['echo "" x', ['echo', '', 'x']],
    ['get pods | sh', ['get', 'pods', '|', 'sh']],
    ['get pods; rm -rf /', ['get', 'pods;', 'rm', '-rf', '/']],
    ['get $(id) `id` && x > /tmp/y', ['get', '$(id)', '`id`', '&&', 'x', '>', '/tmp/y']],
    ['get "$(id)"', ['get', '$(id)']],
    ['get pods\tsvc', ['get', 'pods', 'svc']],
    ['get \\\npods', ['get', 'pods']],
    ['get *', ['get', '*']],
    ['get ~ $HOME', ['get', '~', '$HOME']],
    ['', []],
  ];
  it.each(cases)('tokenizes %j without expansion', (command, expected) => {
    expect(tokenize(command)).toEqual(expected);
  });

  const unbalanced = ["get 'pods", 'get "pods', 'get pods\\', `get "a'b`, `get 'a"b`];
  it.each(unbalanced)('rejects unbalanced quoting in %j with PolicyInputError', (command) => {
    expect(() => tokenize(command)).toThrow(PolicyInputError);
    expect(() => tokenize(command)).toThrow(/quote|backslash/);
  });
});
