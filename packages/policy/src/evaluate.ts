import { defaultPolicyConfig } from './policy-config.js';
import type { PolicyConfig } from './policy-config.js';
import type { PolicyDecision } from './policy-decision.js';
import { PolicyInputError } from './policy-errors.js';
import { tokenize } from './tokenize.js';

// First version: verb allowlist and always-rejected flags. Replaced by the grammar-based evaluator.
const readVerbs = new Set([
  'get',
  'describe',
  'logs',
  'top',
  'events',
  'explain',
  'api-resources',
  'api-versions',
  'version',
]);
const rejected =
  /^--?(kubeconfig|context|cluster|user|token|server|s|as|as-group|as-uid|insecure-skip-tls-verify|certificate-authority|client-certificate|client-key|username|password|cache-dir|filename|f|k|kustomize|raw)(=|$)/;

function denied(argv: string[], reason: string): PolicyDecision {
  return {
    allowed: false,
    reason,
    argv,
    verb: null,
    subcommand: null,
    resources: [],
    names: [],
    namespace: null,
    allNamespaces: false,
    flags: [],
    needsRedaction: false,
  };
}

export function evaluate(
  input: readonly string[] | string,
  config: PolicyConfig = defaultPolicyConfig(),
): PolicyDecision {
  let argv: string[];
  try {
    argv = typeof input === 'string' ? tokenize(input) : [...input];
  } catch (error) {
    if (error instanceof PolicyInputError) return denied([], `command rejected: ${error.message}`);
    throw error;
  }
  if (argv[0] === 'kubectl') argv = argv.slice(1);
  const verb = argv[0] ?? null;
  if (verb === null || !(readVerbs.has(verb) || config.extraVerbs.includes(verb))) {
    return denied(argv, `verb "${verb ?? ''}" is not allowed`);
  }
  for (const token of argv) {
    if (rejected.test(token.replaceAll('_', '-'))) return denied(argv, `flag "${token}" is always rejected`);
    if (/secret/i.test(token)) return denied(argv, 'secrets are restricted');
  }
  return { ...denied(argv, 'allowed'), allowed: true, verb };
}
