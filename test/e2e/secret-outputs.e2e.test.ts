import { evaluate, parsePolicyConfig, redactOutput } from '@kubently/policy';
import type { PolicyDecision } from '@kubently/policy';
import { runKubectl } from '@kubently/testbed';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import type { CommandSpec } from '../../packages/policy/src/command-spec.js';
import { readCommands } from '../../packages/policy/src/read-commands.js';
import { writeCommands } from '../../packages/policy/src/write-commands.js';
import './testbed-context.js';

/**
 * Every command of the policy's grammar, aimed at real Secrets in every way its grammar allows, run
 * with the real kubectl v1.35 against the testbed in fullAccess (changes as server-side dry runs):
 * wherever kubectl prints a Secret's value, in any output format or by default, the decision must
 * need redaction and the redacted output must hold no value. The real kubectl is the oracle here,
 * not the policy's idea of what each command prints.
 */
const testbed = inject('testbed');
const namespace = 'secret-outputs';
const password = 'OUTPUTS-PASSWORD-VALUE';
const fullAccess = parsePolicyConfig({ mode: 'fullAccess', fullAccessAcknowledged: true });

const kubectl = (args: readonly string[], input?: string) =>
  runKubectl(['-n', namespace, ...args], {
    kubectl: testbed.kubectl,
    kubeconfig: testbed.kubeconfig,
    ...(input === undefined ? {} : { input }),
  });

function pathOf(command: CommandSpec): string[] {
  return [command.verb, ...(command.subcommand === null ? [] : command.subcommand.split(' '))];
}

/** Ways each grammar names the Secrets `db` and `robot-token` (or a word that looks like one). */
function secretTargets(command: CommandSpec): string[][] {
  const grammar = command.positionals;
  switch (grammar.type) {
    case 'resources':
      return [['secret', 'db'], ['secret/robot-token'], ['secrets']];
    case 'resourceThenArguments':
      return [['secret', 'db', 'team=a'], ['secret/db']];
    case 'podOrResource':
      return [['secret/db']];
    case 'names':
      if (grammar.max === 0) return [];
      return [grammar.resource === 'secrets' ? ['copy', `--from-literal=password=${password}`] : ['secret']];
    case 'explain':
      return [['secrets']];
    case 'canI':
      return [['get', 'secrets']];
    case 'none':
      return [];
  }
}

/** Never run here: they attach to containers or start pods (no value of a Secret is printed by kubectl itself). */
const skipped = new Set(['exec', 'attach', 'run', 'debug', 'drain']);

interface Case {
  readonly argv: string[];
  readonly decision: PolicyDecision;
}

function cases(): Case[] {
  const all: Case[] = [];
  for (const command of [...readCommands, ...writeCommands]) {
    if (skipped.has(command.verb)) continue;
    const flags = new Set(command.flags.map((flag) => flag.long));
    const outputs = flags.has('output') ? [[], ['-o', 'yaml'], ['-o', 'json'], ['-o', 'name']] : [[]];
    const extra = [
      ...(flags.has('dry-run') ? ['--dry-run=server'] : []),
      ...(command.verb === 'wait' ? ['--for=jsonpath={.type}=Opaque', '--timeout=5s'] : []),
      ...(command.verb === 'patch' ? ['-p', '{"metadata":{"labels":{"x":"y"}}}'] : []),
    ];
    for (const target of secretTargets(command)) {
      for (const output of outputs) {
        const argv = [...pathOf(command), ...target, ...output, ...extra];
        const decision = evaluate(argv, fullAccess);
        if (decision.allowed) all.push({ argv, decision });
      }
    }
  }
  return all;
}

describe('what the real kubectl prints for commands on Secrets', { timeout: 300_000 }, () => {
  let token = '';

  const valueForms = (): string[] =>
    [password, token].flatMap((value) => [value, Buffer.from(value).toString('base64')]);
  const leaksIn = (text: string): string[] => valueForms().filter((form) => text.includes(form));

  beforeAll(async () => {
    await runKubectl(['create', 'namespace', namespace], {
      kubectl: testbed.kubectl,
      kubeconfig: testbed.kubeconfig,
    });
    await kubectl(['create', 'serviceaccount', 'robot']);
    const applied = await kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: 'db', namespace, labels: { app: 'db' } },
            type: 'Opaque',
            stringData: { password },
          },
          {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: {
              name: 'robot-token',
              namespace,
              annotations: { 'kubernetes.io/service-account.name': 'robot' },
            },
            type: 'kubernetes.io/service-account-token',
          },
        ],
      }),
    );
    expect(applied.exitCode, applied.stderr).toBe(0);
    for (let attempt = 0; attempt < 100 && token === ''; attempt += 1) {
      const read = await kubectl(['get', 'secret', 'robot-token', '-o', 'jsonpath={.data.token}']);
      token = Buffer.from(read.stdout, 'base64').toString('utf8');
      if (token === '') await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(token).not.toBe('');
  });

  afterAll(async () => {
    await runKubectl(['delete', 'namespace', namespace, '--wait=false'], {
      kubectl: testbed.kubectl,
      kubeconfig: testbed.kubeconfig,
    });
  });

  it('no allowed command lets a value through, and the ones that print values are the expected ones', async () => {
    const all = cases();
    expect(all.length).toBeGreaterThan(100);
    const printedValues: string[] = [];
    const queue = [...all];
    const worker = async (): Promise<void> => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const { argv, decision } = next;
        const ran = await kubectl(argv);
        const name = argv.join(' ');
        expect(leaksIn(ran.stderr), `${name}: stderr`).toEqual([]);
        if (leaksIn(ran.stdout).length === 0) continue;
        printedValues.push(name);
        expect(decision.needsRedaction, `${name} printed a value:\n${ran.stdout}`).toBe(true);
        const redacted = redactOutput(decision, ran.stdout, {
          completeness: ran.exitCode === 0 ? 'complete' : 'uncertain',
        });
        expect(leaksIn(redacted.output), `${name} after redaction:\n${redacted.output}`).toEqual([]);
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    // The real kubectl prints values for these (the list is what makes this test able to fail).
    for (const expected of [
      'get secret db -o yaml',
      'get secret/robot-token -o json',
      'describe secret/robot-token',
      'describe secrets',
      'apply view-last-applied secret db',
      'apply view-last-applied secret db -o json',
      'label secret db team=a -o yaml --dry-run=server',
      'annotate secret db team=a -o json --dry-run=server',
      'patch secret db -o yaml --dry-run=server -p {"metadata":{"labels":{"x":"y"}}}',
      'wait secret db -o yaml --for=jsonpath={.type}=Opaque --timeout=5s',
      `create secret generic copy --from-literal=password=${password} -o yaml --dry-run=server`,
    ]) {
      expect(printedValues, expected).toContain(expected);
    }
  });

  it('annotate --list is denied on a Secret: kubectl prints the last-applied annotation, values included', async () => {
    const ran = await kubectl(['annotate', 'secret', 'db', '--list']);
    expect(ran.stdout).toContain(password);
    expect(evaluate(['annotate', 'secret', 'db', '--list'], fullAccess).allowed).toBe(false);
  });

  it('describe of Secrets with other kinds is denied: kubectl accepts it', async () => {
    const ran = await kubectl(['describe', 'serviceaccounts,secrets']);
    expect(ran.stdout).toContain(token);
    expect(evaluate(['describe', 'serviceaccounts,secrets']).allowed).toBe(false);
  });
});
