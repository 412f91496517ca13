import type { PositionalGrammar } from './command-spec.js';
import { resolveResourceType } from './resolve-resource-type.js';
import type { ResourceTypeMatch } from './resolve-resource-type.js';

export interface PositionalReading {
  /** Resource types whose objects the command reads or prints. */
  readonly targets: readonly ResourceTypeMatch[];
  readonly names: readonly string[];
}

export type PositionalResult =
  | { readonly type: 'read'; readonly reading: PositionalReading }
  | { readonly type: 'denied'; readonly reason: string };

// Object names: DNS subdomains, plus `:` and `@` used by RBAC and node names. Shell syntax never matches.
const nameSyntax = /^[A-Za-z0-9]([A-Za-z0-9._:@+-]{0,251}[A-Za-z0-9_])?$/;
const canIVerbSyntax = /^(\*|[a-z][a-z-]{0,62})$/;
const urlSyntax = /^\/[A-Za-z0-9/._~*-]{0,1023}$/;
const explainSyntax = /^[A-Za-z0-9][A-Za-z0-9.-]{0,1023}$/;

class PositionalDenial extends Error {}

function fail(reason: string): never {
  throw new PositionalDenial(reason);
}

function checkNotFlag(token: string, role: string): void {
  if (token.startsWith('-')) {
    fail(`${role} "${token}" looks like a flag: flags are never accepted in a ${role} position`);
  }
}

function type(token: string): ResourceTypeMatch {
  checkNotFlag(token, 'resource type');
  const match = resolveResourceType(token);
  if (match === null) {
    fail(`"${token}" is not a resource type (letters, digits, dashes and dots): check the spelling`);
  }
  return match;
}

function name(token: string, role = 'name'): string {
  checkNotFlag(token, role);
  if (!nameSyntax.test(token)) {
    fail(
      `${role} "${token}" contains characters Kubernetes names never have: check it (no shell syntax is interpreted)`,
    );
  }
  return token;
}

function typeSlashName(token: string): { match: ResourceTypeMatch; name: string } {
  checkNotFlag(token, 'resource');
  const parts = token.split('/');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    fail(`"${token}" is not TYPE/NAME: write e.g. pod/web-1`);
  }
  const [typeText = '', nameText = ''] = parts;
  if (typeText.includes(',')) fail(`"${token}": TYPE/NAME takes a single type`);
  return { match: type(typeText), name: name(nameText) };
}

function typeList(token: string): ResourceTypeMatch[] {
  checkNotFlag(token, 'resource type');
  const parts = token.split(',');
  if (parts.some((part) => part === ''))
    fail(`"${token}" has an empty entry in its type list: remove the extra comma`);
  return parts.map(type);
}

function resources(positionals: readonly string[], requireType: boolean): PositionalReading {
  const first = positionals[0];
  if (first === undefined) {
    if (requireType) fail('no resource type given: name one, e.g. "get pods"');
    return { targets: [], names: [] };
  }
  const slashed = positionals.filter((token) => token.includes('/'));
  if (slashed.length > 0) {
    if (slashed.length !== positionals.length) {
      fail('mixing TYPE and TYPE/NAME arguments: use only TYPE/NAME forms, or TYPE followed by names');
    }
    const pairs = positionals.map(typeSlashName);
    return { targets: pairs.map((pair) => pair.match), names: pairs.map((pair) => pair.name) };
  }
  return { targets: typeList(first), names: positionals.slice(1).map((token) => name(token)) };
}

function resourceThenArguments(positionals: readonly string[]): PositionalReading {
  const first = positionals[0];
  if (first === undefined) fail('no resource given: name one, e.g. "label pod/web-1 team=a"');
  for (const token of positionals) checkNotFlag(token, 'argument');
  if (first.includes('/')) {
    const pair = typeSlashName(first);
    return { targets: [pair.match], names: [pair.name] };
  }
  const second = positionals[1];
  const isName = second !== undefined && !second.includes('=') && nameSyntax.test(second);
  return { targets: typeList(first), names: isName ? [second] : [] };
}

function read(grammar: PositionalGrammar, positionals: readonly string[]): PositionalReading {
  switch (grammar.type) {
    case 'resources':
      return resources(positionals, grammar.requireType);
    case 'resourceThenArguments':
      return resourceThenArguments(positionals);
    case 'podOrResource': {
      const [first, ...extra] = positionals;
      if (extra.length > grammar.maxExtra) {
        fail(
          `too many arguments: "${extra.join(' ')}" (for a container use -c NAME; a command goes after "--")`,
        );
      }
      const extraNames = extra.map((token) => name(token, 'container name'));
      if (first === undefined) {
        const implied = resolveResourceType(grammar.defaultResource);
        return { targets: implied === null ? [] : [implied], names: extraNames };
      }
      if (first.includes('/')) {
        const pair = typeSlashName(first);
        return { targets: [pair.match], names: [pair.name, ...extraNames] };
      }
      const implied = resolveResourceType(grammar.defaultResource);
      return { targets: implied === null ? [] : [implied], names: [name(first), ...extraNames] };
    }
    case 'names': {
      if (positionals.length < grammar.min || positionals.length > grammar.max) {
        const range = grammar.min === grammar.max ? `${grammar.min}` : `${grammar.min} to ${grammar.max}`;
        fail(`expected ${range} name argument(s), got ${positionals.length}: "${positionals.join(' ')}"`);
      }
      const implied = grammar.resource === null ? null : resolveResourceType(grammar.resource);
      return { targets: implied === null ? [] : [implied], names: positionals.map((token) => name(token)) };
    }
    case 'explain': {
      const [first, ...extra] = positionals;
      if (first === undefined || extra.length > 0)
        fail('explain takes exactly one TYPE[.field.path] argument');
      checkNotFlag(first, 'resource type');
      if (!explainSyntax.test(first)) fail(`"${first}" is not TYPE[.field.path]: check the spelling`);
      return { targets: [type(first.split('.')[0] ?? '')], names: [] };
    }
    case 'canI': {
      if (positionals.length > 2) fail('auth can-i takes VERB [TYPE | TYPE/NAME | NONRESOURCEURL]');
      const [verb, target] = positionals;
      if (verb !== undefined) {
        checkNotFlag(verb, 'verb');
        if (!canIVerbSyntax.test(verb)) fail(`"${verb}" is not an API verb (e.g. get, list, create, *)`);
      }
      if (target === undefined || target === '*') return { targets: [], names: [] };
      if (target.startsWith('/')) {
        if (!urlSyntax.test(target)) fail(`"${target}" is not a non-resource URL such as /healthz`);
        return { targets: [], names: [] };
      }
      if (target.includes('/')) {
        const pair = typeSlashName(target);
        return { targets: [pair.match], names: [pair.name] };
      }
      return { targets: typeList(target), names: [] };
    }
    case 'none':
      if (positionals.length > 0)
        fail(`unexpected argument(s) "${positionals.join(' ')}": this command takes none`);
      return { targets: [], names: [] };
  }
}

/** Reads a command's positional arguments by its grammar; every token is checked, none is executed. */
export function readPositionals(
  grammar: PositionalGrammar,
  positionals: readonly string[],
): PositionalResult {
  try {
    return { type: 'read', reading: read(grammar, positionals) };
  } catch (error) {
    if (error instanceof PositionalDenial) return { type: 'denied', reason: error.message };
    throw error;
  }
}
