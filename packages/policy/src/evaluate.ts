import type { PolicyMode } from '@kubently/protocol';

import { rejectedLongFlagIn } from './always-rejected-flags.js';
import { classifyOutput } from './output-format.js';
import { parseArgv } from './parse-argv.js';
import type { ParsedArgv, ParsedFlag } from './parse-argv.js';
import { defaultPolicyConfig } from './policy-config.js';
import type { PolicyConfig } from './policy-config.js';
import type { PolicyDecision, ResolvedResource } from './policy-decision.js';
import { PolicyInputError } from './policy-errors.js';
import { readPositionals } from './read-positionals.js';
import { resolveResourceType } from './resolve-resource-type.js';
import type { ResourceTypeMatch } from './resolve-resource-type.js';
import { restrictedResourcesOf } from './restricted-resources.js';
import { checkSecretCommand, secretOutputNeedsRedaction } from './secret-rules.js';
import type { RestrictedResources } from './restricted-resources.js';
import { tokenize } from './tokenize.js';

const modeRank: Readonly<Record<PolicyMode, number>> = { readOnly: 0, extendedReadOnly: 1, fullAccess: 2 };
const truthy = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const namespaceSyntax = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const explainOutputs = new Set(['plaintext', 'plaintext-openapiv2']);
const limits = { tokens: 256, tokenLength: 8192 } as const;

/**
 * NUL, newlines and other C0 controls (tab excepted), DEL, C1 controls and the bidi controls that
 * reorder text never belong in a kubectl argument. An argv lands in audit records and on operators'
 * terminals: one of these could hide or rewrite what an audit line shows.
 */
const controlCharacter =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function hasControlCharacter(token: string): boolean {
  return controlCharacter.test(token);
}

/** The token as a JSON string with every control character escaped, for the denial reason. */
function quoteToken(token: string): string {
  return JSON.stringify(token).replace(
    new RegExp(controlCharacter.source, 'g'),
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

interface Draft {
  argv: string[];
  verb: string | null;
  subcommand: string | null;
  resources: ResolvedResource[];
  names: string[];
  namespace: string | null;
  allNamespaces: boolean;
  flags: { name: string; value: string | null }[];
}

function emptyDraft(argv: string[]): Draft {
  return {
    argv,
    verb: null,
    subcommand: null,
    resources: [],
    names: [],
    namespace: null,
    allNamespaces: false,
    flags: [],
  };
}

function denied(draft: Draft, reason: string): PolicyDecision {
  return { ...draft, allowed: false, reason: `denied: ${reason}`, needsRedaction: false };
}

function isSet(flag: ParsedFlag | undefined): boolean {
  return flag !== undefined && (flag.value === null || truthy.has(flag.value));
}

function lastFlag(parsed: ParsedArgv, name: string): ParsedFlag | undefined {
  return parsed.flags.findLast((flag) => flag.name === name);
}

function resolved(match: ResourceTypeMatch, restricted: RestrictedResources): ResolvedResource {
  return {
    input: match.input,
    resource: match.resource,
    group: match.group,
    restricted: restricted.isSecret(match) || restricted.configuredEntry(match) !== null,
  };
}

/**
 * Output rules. Every `-o` occurrence is checked, not only the last one kubectl uses, and
 * `--template` counts on Secrets whatever `-o` says (conservative).
 */
function checkOutputs(parsed: ParsedArgv, secret: string | null): string | null {
  const template = lastFlag(parsed, 'template')?.value ?? null;
  const outputs = parsed.flags.filter((flag) => flag.name === 'output').map((flag) => flag.value);
  for (const output of outputs.length === 0 ? [null] : outputs) {
    const format = classifyOutput(output, template);
    if (format.type === 'file') {
      return `output format "${format.format}" reads a template file on the executor host: pass the template inline (e.g. -o jsonpath='{...}')`;
    }
    if (format.type === 'unknown') {
      return `output format "${format.format}" is unknown: use json, yaml, wide, name, jsonpath=..., go-template=... or custom-columns=...`;
    }
    if (secret !== null && (format.type === 'template' || template !== null)) {
      return `output format "${format.type === 'template' ? format.format : 'go-template'}" on "${secret}" is denied: templates can print Secret values and cannot be redacted; use -o yaml or -o json (values are redacted, keys kept) or "describe secret"`;
    }
  }
  if (secret !== null && lastFlag(parsed, 'sort-by') !== undefined) {
    return `--sort-by on "${secret}" is denied: sorting by a data field leaks the order of Secret values`;
  }
  return null;
}

/** Checks that need the whole parse; returns a denial reason or null. */
function check(
  argv: readonly string[],
  parsed: ParsedArgv,
  config: PolicyConfig,
  targets: readonly ResourceTypeMatch[],
  references: readonly ResourceTypeMatch[],
  restricted: RestrictedResources,
  lookalikes: readonly ResourceTypeMatch[],
): string | null {
  const { command } = parsed;
  // A hand-built config must not reach fullAccess without the acknowledgement parsePolicyConfig demands.
  const mode: PolicyMode =
    config.mode === 'fullAccess' && !config.fullAccessAcknowledged ? 'readOnly' : config.mode;
  const rank = modeRank[mode];
  const granted = config.extraVerbs.includes(parsed.path) || config.extraVerbs.includes(parsed.verb);
  if (command.access === 'never') return `"${parsed.path}" is never allowed`;
  if (modeRank[command.access] > rank && !granted) {
    return `"${parsed.path}" is not allowed in ${mode} mode (it needs ${command.access}): use a read-only command such as get, describe or logs`;
  }
  for (const flag of parsed.flags) {
    if (flag.spec === null || modeRank[flag.spec.minMode] <= rank) continue;
    if (config.extraFlags.includes(`--${flag.name}`)) continue;
    if (flag.value !== null && !truthy.has(flag.value)) continue;
    return `flag --${flag.name} is not allowed in ${mode} mode: it streams until the executor timeout (needs extendedReadOnly); drop it`;
  }
  for (const match of [...targets, ...references]) {
    const entry = restricted.configuredEntry(match);
    if (entry !== null) {
      return `resource "${match.input}" is restricted on this cluster (restrictedResources: ${entry}): it cannot be used with any command`;
    }
  }
  const namespace = lastFlag(parsed, 'namespace');
  if (namespace?.value != null && !namespaceSyntax.test(namespace.value)) {
    return `namespace "${namespace.value}" is not a valid namespace name (lower-case letters, digits and dashes)`;
  }
  const targetSecret = targets.find((match) => restricted.isSecret(match));
  if (targetSecret !== undefined && command.positionals.type === 'podOrResource') {
    return `"${parsed.path}" cannot target "${targetSecret.input}": it works on pods`;
  }
  const secrets = [...targets, ...lookalikes].filter((match) => restricted.isSecret(match));
  const secretProblem = checkSecretCommand(parsed, targets, secrets, restricted);
  if (secretProblem !== null) return secretProblem;
  const output = lastFlag(parsed, 'output')?.value ?? null;
  if (parsed.verb === 'explain') {
    if (output !== null && !explainOutputs.has(output)) {
      return `explain --output must be plaintext or plaintext-openapiv2, not "${output}"`;
    }
  } else {
    const problem = checkOutputs(parsed, secrets[0]?.input ?? null);
    if (problem !== null) return problem;
  }
  if (parsed.verb === 'logs' && isSet(lastFlag(parsed, 'follow'))) {
    const tail = lastFlag(parsed, 'tail')?.value;
    const bounded =
      (tail != null && /^[0-9]+$/.test(tail)) ||
      ['since', 'since-time', 'limit-bytes'].some((name) => lastFlag(parsed, name) !== undefined);
    if (!bounded)
      return 'logs --follow needs a bound on past output: add --tail=N, --since=DURATION or --limit-bytes=N';
  }
  // Defence in depth: no token kubectl reads may spell an always-rejected flag, even as a value.
  const read =
    parsed.command.commandAfterDash === true ? argv.slice(0, argv.length - parsed.commandTail.length) : argv;
  for (const token of read) {
    const name = rejectedLongFlagIn(token);
    if (name !== null) return `flag --${name} appears in "${token}": it is always rejected`;
  }
  return null;
}

/**
 * Positional words that spell a restricted resource outside a type position (`get pods secrets`,
 * `get pod/secrets`, `auth can-i configmaps`): kubectl reads them as names or verbs, but they get the
 * restricted rules too, so a restricted name is caught wherever it appears (conservative).
 */
function restrictedLookalikes(
  positionals: readonly string[],
  restricted: RestrictedResources,
): ResourceTypeMatch[] {
  const matches: ResourceTypeMatch[] = [];
  for (const positional of positionals) {
    for (const word of positional.split(/[,/]/)) {
      const match = resolveResourceType(word);
      if (match !== null && (restricted.isSecret(match) || restricted.configuredEntry(match) !== null)) {
        matches.push(match);
      }
    }
  }
  return matches;
}

function toArgv(input: readonly string[] | string): string[] | string {
  if (typeof input !== 'string') return [...input];
  try {
    return tokenize(input);
  } catch (error) {
    if (error instanceof PolicyInputError) return error.message;
    throw error;
  }
}

/**
 * Decides whether a kubectl command may run under `config` (readOnly by default). Accepts argv or a
 * command string (tokenized with quotes, no expansion). Never throws for bad input: every problem is
 * a denied decision whose reason names the offending verb, flag or resource and the fix.
 */
export function evaluate(
  input: readonly string[] | string,
  config: PolicyConfig = defaultPolicyConfig(),
): PolicyDecision {
  const tokens = toArgv(input);
  if (typeof tokens === 'string') return denied(emptyDraft([]), `the command cannot be tokenized: ${tokens}`);
  const argv = tokens[0] === 'kubectl' ? tokens.slice(1) : tokens;
  const draft = emptyDraft(argv);
  if (argv.length === 0) return denied(draft, 'empty command: give a kubectl command such as "get pods"');
  if (argv.length > limits.tokens) return denied(draft, `more than ${limits.tokens} arguments`);
  for (const token of argv) {
    if (token.length > limits.tokenLength)
      return denied(draft, `an argument is longer than ${limits.tokenLength} characters`);
    if (hasControlCharacter(token))
      return denied(draft, `argument ${quoteToken(token)} contains control characters`);
  }
  const result = parseArgv(argv, new Set(config.extraFlags.map((flag) => flag.slice(2))));
  if (result.type === 'denied') return denied({ ...draft, verb: result.verb }, result.reason);
  const { parsed } = result;
  draft.verb = parsed.verb;
  draft.subcommand = parsed.subcommand;
  draft.flags = parsed.flags.map((flag) => ({ name: flag.name, value: flag.value }));
  draft.namespace = lastFlag(parsed, 'namespace')?.value ?? null;
  draft.allNamespaces = isSet(lastFlag(parsed, 'all-namespaces'));
  const reading = readPositionals(parsed.command.positionals, parsed.positionals);
  if (reading.type === 'denied') return denied(draft, reading.reason);
  const restricted = restrictedResourcesOf(config);
  const references: ResourceTypeMatch[] = [];
  const forValue = parsed.verb === 'events' ? lastFlag(parsed, 'for')?.value : undefined;
  if (forValue != null) {
    const typeText = forValue.includes('/') ? forValue.slice(0, forValue.indexOf('/')) : forValue;
    const match = resolveResourceType(typeText);
    if (match === null) return denied(draft, `--for "${forValue}" is not TYPE/NAME (e.g. pod/web-1)`);
    references.push(match);
  }
  const targets = reading.reading.targets;
  draft.resources = [...targets, ...references].map((match) => resolved(match, restricted));
  draft.names = [...reading.reading.names];
  const lookalikes = restrictedLookalikes(parsed.positionals, restricted);
  const problem = check(
    argv,
    parsed,
    config,
    targets,
    [...references, ...lookalikes],
    restricted,
    lookalikes,
  );
  if (problem !== null) return denied(draft, problem);
  const hasSecret = [...targets, ...lookalikes].some((match) => restricted.isSecret(match));
  const needsRedaction = secretOutputNeedsRedaction(parsed, hasSecret);
  return {
    ...draft,
    allowed: true,
    reason: `allowed: "${parsed.path}" in ${config.mode} mode${needsRedaction ? '; Secret values will be redacted' : ''}`,
    needsRedaction,
  };
}
