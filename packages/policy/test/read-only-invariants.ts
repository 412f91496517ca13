import type { PolicyDecision } from '@kubently/policy';

/**
 * An independent oracle of the read-only rules, written without the policy's parser: it reads
 * tokens conservatively and lists every rule an ALLOWED decision breaks. Used by the property tests
 * and the fuzz bench. It assumes names never equal a resource spelling (see argv-grammar.ts).
 */
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
  'cluster-info',
  'rollout',
  'auth',
]);
const readSubcommands: Readonly<Record<string, ReadonlySet<string>>> = {
  rollout: new Set(['history', 'status']),
  auth: new Set(['can-i', 'whoami']),
  top: new Set(['pod', 'pods', 'po', 'node', 'nodes', 'no']),
};
const forbiddenLong = new Set([
  'kubeconfig',
  'context',
  'cluster',
  'user',
  'token',
  'server',
  'as',
  'as-group',
  'as-uid',
  'insecure-skip-tls-verify',
  'certificate-authority',
  'client-certificate',
  'client-key',
  'username',
  'password',
  'cache-dir',
  'filename',
  'kustomize',
  'raw',
  'kuberc',
  'v',
]);
/** Flags whose value may be the next token; that token is a value, not a resource or verb. */
const separateValueFlags = new Set([
  '-n',
  '--namespace',
  '--request-timeout',
  '-l',
  '--selector',
  '-o',
  '--output',
  '-c',
  '-L',
]);
const streamingLong = new Set(['watch', 'watch-only', 'follow']);
const valueShorts = new Set(['n', 'l', 'o', 'c', 'L']);
const truthy = new Set(['', '1', 't', 'T', 'true', 'TRUE', 'True']);
const templateFormat = /^(jsonpath|go-template|custom-columns|template)/i;
const structuredFormat = /^(json|yaml|kyaml)$/i;

export type OracleMode = 'readOnly' | 'extendedReadOnly' | 'fullAccess';

export interface OracleOptions {
  readonly mode: OracleMode;
  /** Spellings (lower-case heads) of resources the config restricts. */
  readonly restricted: ReadonlySet<string>;
}

function typeHeads(token: string): string[] {
  return token.split(',').map((part) => (part.split('/')[0] ?? '').toLowerCase().split('.')[0] ?? '');
}

function positionalsOf(argv: readonly string[]): string[] {
  const positionals: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const token = argv[index] ?? '';
    if (separateValueFlags.has(token)) {
      index += 1;
      continue;
    }
    if (token.startsWith('-')) continue;
    positionals.push(token);
  }
  return positionals;
}

/** Output formats requested anywhere, in every spelling. */
function outputFormats(argv: readonly string[]): string[] {
  const formats: string[] = [];
  argv.forEach((token, index) => {
    if (token === '-o' || token === '--output') formats.push(argv[index + 1] ?? '');
    else if (token.startsWith('--output=')) formats.push(token.slice('--output='.length));
    else if (token.startsWith('-o=')) formats.push(token.slice(3));
    else if (/^-[A-Za-z]*o/.test(token) && !token.startsWith('--')) {
      const letters = token.slice(1);
      const at = letters.indexOf('o');
      const before = letters.slice(0, at);
      const rest = letters.slice(at + 1);
      if (!before.split('').some((letter) => valueShorts.has(letter))) {
        formats.push(rest === '' ? (argv[index + 1] ?? '') : rest.replace(/^=/, ''));
      }
    }
  });
  return formats;
}

/** Lists the read-only rules an allowed decision breaks (empty when it breaks none or was denied). */
export function violationsOf(
  input: readonly string[],
  decision: PolicyDecision,
  options: OracleOptions,
): string[] {
  if (!decision.allowed) return [];
  const violations: string[] = [];
  const argv = input[0] === 'kubectl' ? input.slice(1) : [...input];
  const positionals = positionalsOf(argv);
  const verb = positionals[0] ?? '';
  const fullAccess = options.mode === 'fullAccess';
  const dash = argv.indexOf('--');
  const kubectlTokens =
    fullAccess && dash !== -1 && ['exec', 'run', 'debug'].includes(verb) ? argv.slice(0, dash) : argv;

  if (!fullAccess) {
    if (!readVerbs.has(verb)) violations.push(`verb ${JSON.stringify(verb)} is not read-only`);
    const allowedSubs = readSubcommands[verb];
    if (allowedSubs !== undefined && !allowedSubs.has(positionals[1] ?? '')) {
      violations.push(`${verb} ${JSON.stringify(positionals[1])} is not a read-only subcommand`);
    }
    if (verb === 'cluster-info' && positionals.length > 1) violations.push('cluster-info with arguments');
  }

  for (const token of kubectlTokens) {
    if (token.startsWith('--')) {
      const [rawName = '', ...rest] = token.slice(2).split('=');
      const name = rawName.replaceAll('_', '-');
      if (forbiddenLong.has(name)) violations.push(`forbidden flag ${token}`);
      const streams = streamingLong.has(name) && verb !== 'rollout';
      if (options.mode === 'readOnly' && streams && truthy.has(rest.join('='))) {
        violations.push(`streaming flag ${token} in readOnly`);
      }
      continue;
    }
    if (!token.startsWith('-') || token.length < 2) continue;
    const letters = token.slice(1);
    for (let index = 0; index < letters.length; index += 1) {
      const letter = letters.charAt(index);
      if (valueShorts.has(letter) || letter === '=' || (verb === 'patch' && letter === 'p')) break;
      if (letter === 's' || letter === 'k' || letter === 'v')
        violations.push(`forbidden short flag -${letter} in ${token}`);
      if (letter === 'f' && verb !== 'logs') violations.push(`forbidden short flag -f in ${token}`);
      const next = letters.charAt(index + 1);
      const value = next === '=' ? letters.slice(index + 2) : '';
      const streams = (letter === 'w' && verb !== 'rollout') || (letter === 'f' && verb === 'logs');
      if (options.mode === 'readOnly' && streams && truthy.has(value))
        violations.push(`streaming flag -${letter} in readOnly`);
    }
  }

  const heads = positionalsOf(kubectlTokens).flatMap((token) => typeHeads(token));
  for (const head of heads) {
    if (options.restricted.has(head)) violations.push(`restricted resource ${head} allowed`);
  }
  const touchesSecrets = heads.some((head) => head === 'secret' || head === 'secrets');
  if (touchesSecrets && (verb === 'get' || verb === 'rollout' || fullAccess)) {
    const formats = outputFormats(kubectlTokens);
    if (formats.some((format) => templateFormat.test(format))) violations.push('template output on Secrets');
    if (kubectlTokens.some((token) => token === '--template' || token.startsWith('--template='))) {
      violations.push('--template on Secrets');
    }
    if (kubectlTokens.some((token) => token.startsWith('--sort-by'))) violations.push('--sort-by on Secrets');
    if (formats.some((format) => structuredFormat.test(format)) && !decision.needsRedaction) {
      violations.push('structured Secret output without redaction');
    }
  }
  // describe prints a service-account token whole; view-last-applied prints YAML without any -o.
  const printsSecretValues =
    verb === 'describe' || (verb === 'apply' && positionals[1] === 'view-last-applied');
  if (touchesSecrets && printsSecretValues && !decision.needsRedaction) {
    violations.push(`${verb} of Secrets without redaction`);
  }
  if (outputFormats(kubectlTokens).some((format) => /^[a-z-]*-?file(=|$)/i.test(format))) {
    violations.push('template file output');
  }
  if (JSON.stringify(decision.argv) !== JSON.stringify(argv)) violations.push('argv was changed');
  return violations;
}
