import { describe, expect, it } from 'vitest';

import { evaluate } from '@kubently/policy';
import type { PolicyDecision } from '@kubently/policy';

import type { CommandSpec } from '../src/command-spec.js';
import { readCommands } from '../src/read-commands.js';
import { writeCommands } from '../src/write-commands.js';
import { configs } from './policy-fixtures.js';

/**
 * Every command of the grammar, aimed at a Secret in every way its grammar allows, with every kind
 * of output: no allowed decision may print a Secret as JSON, YAML or a description unredacted.
 * (test/e2e/secret-outputs.e2e.test.ts runs the same commands through the real kubectl.)
 */
const allCommands: readonly CommandSpec[] = [...readCommands, ...writeCommands];

function pathOf(command: CommandSpec): string[] {
  return [command.verb, ...(command.subcommand === null ? [] : command.subcommand.split(' '))];
}

/** Argument lists that name a Secret the way the command's grammar reads positionals. */
function secretTargets(command: CommandSpec): string[][] {
  const grammar = command.positionals;
  switch (grammar.type) {
    case 'resources':
      return [['secret', 'db'], ['secret/db'], ['secrets'], ['secret/db', 'secret/other']];
    case 'resourceThenArguments':
      return [
        ['secret', 'db', 'team=a'],
        ['secret/db', 'team=a'],
      ];
    case 'podOrResource':
      return [['secret/db']];
    case 'names':
      // The implied type is the Secret (create secret ...) or the word only looks like one.
      return grammar.max === 0 ? [] : [grammar.resource === 'secrets' ? ['db'] : ['secret']];
    case 'explain':
      return [['secrets']];
    case 'canI':
      return [['get', 'secrets']];
    case 'none':
      return [];
  }
}

function outputVariants(command: CommandSpec): string[][] {
  const hasOutput = command.flags.some((flag) => flag.long === 'output');
  if (!hasOutput) return [[]];
  return [
    [],
    ['-o', 'yaml'],
    ['-o', 'json'],
    ['-o', 'kyaml'],
    ['-o', 'wide'],
    ['-o', 'name'],
    ['-o', 'yaml', '-o', 'wide'],
    ['-ojson'],
  ];
}

/**
 * Commands that print a Secret's values with no `-o` at all, checked with the real kubectl v1.35:
 * describe prints a service-account token whole, view-last-applied prints YAML by default.
 */
const printsValuesByDefault = new Set(['describe', 'apply view-last-applied']);

/** kubectl prints whole objects (values included) for these outputs of these commands. */
function printsValues(command: CommandSpec, argv: readonly string[]): boolean {
  if (printsValuesByDefault.has(pathOf(command).join(' '))) return true;
  return argv.some((token, index) => {
    const value = token.startsWith('-o') && token.length > 2 ? token.slice(2) : argv[index + 1];
    return (token === '-o' || token.startsWith('-o')) && /^=?(json|yaml|kyaml)$/i.test(value ?? '');
  });
}

const cases: { command: CommandSpec; argv: string[] }[] = allCommands.flatMap((command) =>
  secretTargets(command).flatMap((target) =>
    outputVariants(command).map((output) => ({ command, argv: [...pathOf(command), ...target, ...output] })),
  ),
);

describe('commands that name a Secret', () => {
  it('covers every command of the grammar that can name a Secret', () => {
    const covered = new Set(cases.map((entry) => pathOf(entry.command).join(' ')));
    for (const command of allCommands) {
      if (secretTargets(command).length === 0) continue;
      expect(covered.has(pathOf(command).join(' '))).toBe(true);
    }
    expect(cases.length).toBeGreaterThan(300);
  });

  it.each(cases.map((entry) => [entry.argv.join(' '), entry] as const))(
    '%s: never prints a Secret without redaction',
    (_name, { command, argv }) => {
      for (const config of Object.values(configs)) {
        const decision: PolicyDecision = evaluate(argv, config);
        if (!decision.allowed) continue;
        const namesSecretType = argv.some((token) => /(^|[,/])secrets?($|[,/])/i.test(token));
        if (namesSecretType && command.verb !== 'explain' && printsValues(command, argv)) {
          expect(decision.needsRedaction, decision.reason).toBe(true);
        }
      }
    },
  );
});

describe('Secret rules beyond output formats', () => {
  it('redacts describe of Secrets, however they are named', () => {
    for (const command of [
      'describe secret db',
      'describe secrets',
      'describe secrets -A',
      'describe secret/a secret/b',
      'describe secrets -l app=db',
      'describe secrets.v1. db',
      'describe Secret db',
      'describe secret,secrets',
    ]) {
      const decision = evaluate(command);
      expect(decision.allowed, `${command}: ${decision.reason}`).toBe(true);
      expect(decision.needsRedaction, command).toBe(true);
    }
  });

  it('redacts describe when a word only looks like a Secret (the redactor then withholds what is not one)', () => {
    const decision = evaluate('describe pod secrets');
    expect(decision.allowed).toBe(true);
    expect(decision.needsRedaction).toBe(true);
  });

  it('denies describe of Secrets together with other kinds, with the fix', () => {
    for (const command of [
      'describe pods,secrets',
      'describe all,secrets',
      'describe secret/a pod/b',
      'describe secrets,configmaps db',
    ]) {
      const decision = evaluate(command);
      expect(decision.allowed, command).toBe(false);
      expect(decision.reason).toMatch(/describe the Secrets in a command of their own/);
    }
  });

  it('redacts apply view-last-applied of a Secret whatever -o says (it prints YAML by default)', () => {
    for (const command of [
      'apply view-last-applied secret/db',
      'apply view-last-applied secret db',
      'apply view-last-applied secrets -l app=db',
      'apply view-last-applied secret/db -o json',
    ]) {
      const decision = evaluate(command, configs.fullAccess);
      expect(decision.allowed, decision.reason).toBe(true);
      expect(decision.needsRedaction, command).toBe(true);
    }
    expect(evaluate('apply view-last-applied deploy/web', configs.fullAccess).needsRedaction).toBe(false);
  });

  it('denies annotate --list on a Secret: it prints the last-applied annotation, values included', () => {
    for (const command of [
      'annotate secret db --list',
      'annotate secret/db --list=true',
      'annotate secrets --all --list',
    ]) {
      const decision = evaluate(command, configs.fullAccess);
      expect(decision.allowed, command).toBe(false);
      expect(decision.reason).toMatch(/last-applied-configuration/);
    }
    expect(evaluate('annotate secret db --list=false', configs.fullAccess).allowed).toBe(true);
    expect(evaluate('annotate pod web --list', configs.fullAccess).allowed).toBe(true);
    expect(evaluate('label secret db --list', configs.fullAccess).allowed).toBe(true);
  });
});
