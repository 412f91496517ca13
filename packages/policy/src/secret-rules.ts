import { classifyOutput } from './output-format.js';
import type { ParsedArgv } from './parse-argv.js';
import type { ResourceTypeMatch } from './resolve-resource-type.js';
import type { RestrictedResources } from './restricted-resources.js';

const truthy = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);

function isListing(parsed: ParsedArgv): boolean {
  const list = parsed.flags.findLast((flag) => flag.name === 'list');
  return list !== undefined && (list.value === null || truthy.has(list.value));
}

/**
 * Rules for commands on Secrets beyond the output formats (see checkOutputs); returns a denial
 * reason or null. `secrets` are the Secret spellings among the targets and the lookalikes.
 */
export function checkSecretCommand(
  parsed: ParsedArgv,
  targets: readonly ResourceTypeMatch[],
  secrets: readonly ResourceTypeMatch[],
  restricted: RestrictedResources,
): string | null {
  const secret = secrets[0];
  if (secret === undefined) return null;
  if (parsed.verb === 'describe' && targets.some((match) => restricted.isSecret(match))) {
    // Only a Secret's description has a shape the describe redactor can check line by line.
    const other = targets.find((match) => !restricted.isSecret(match));
    if (other !== undefined) {
      return `"describe" of "${secret.input}" together with "${other.input}" is denied: kubectl describes other kinds as free text that cannot be checked for Secret values; describe the Secrets in a command of their own (e.g. "describe secrets -n NAMESPACE")`;
    }
  }
  if (parsed.path === 'annotate' && isListing(parsed)) {
    return `annotate --list on "${secret.input}" is denied: it prints the last-applied-configuration annotation, which holds the Secret's values; use "get secret NAME -o yaml" (values redacted, keys kept)`;
  }
  return null;
}

/**
 * Whether the output may hold Secret values, so `redactOutput` must run on it: a Secret is named
 * (as a target or anywhere a type could be read) and the command prints objects as JSON or YAML
 * (any `-o` occurrence, not only the last one kubectl uses, or a command whose default output is
 * YAML), or it is `describe`, which prints a service-account token's value.
 */
export function secretOutputNeedsRedaction(parsed: ParsedArgv, hasSecret: boolean): boolean {
  if (!hasSecret || parsed.verb === 'explain') return false;
  if (parsed.verb === 'describe' || parsed.command.defaultOutput === 'structured') return true;
  return parsed.flags.some(
    (flag) => flag.name === 'output' && classifyOutput(flag.value, null).type === 'structured',
  );
}
