import { parseArgv } from './parse-argv.js';
import { PolicyInputError } from './policy-errors.js';

const truthy = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);

/**
 * Returns `args` plus `--namespace=<ns>` when a namespace is given and the command names none and is
 * not `-A`. The same namespace already present leaves args unchanged; a different one throws a
 * PolicyInputError naming both. The flag goes before any `--` so kubectl reads it as a flag.
 */
export function applyNamespace(args: readonly string[], namespace: string | undefined): string[] {
  const copy = [...args];
  if (namespace === undefined || namespace === '') return copy;
  const body = copy[0] === 'kubectl' ? copy.slice(1) : copy;
  const result = parseArgv(body, new Set());
  if (result.type === 'parsed') {
    const flags = result.parsed.flags;
    const all = flags.findLast((flag) => flag.name === 'all-namespaces');
    if (all !== undefined && (all.value === null || truthy.has(all.value))) return copy;
    const named = flags.findLast((flag) => flag.name === 'namespace')?.value ?? null;
    if (named !== null) {
      if (named === namespace) return copy;
      throw new PolicyInputError(
        `the command names namespace "${named}" but the request names "${namespace}": drop one of them`,
      );
    }
  }
  const dash = copy.indexOf('--');
  const flag = `--namespace=${namespace}`;
  return dash === -1 ? [...copy, flag] : [...copy.slice(0, dash), flag, ...copy.slice(dash)];
}
