/**
 * Token pools and a generator of kubectl-like argv mixing valid and hostile tokens. Shared by the
 * property tests (fast-check) and the fuzz bench (bench/policy-fuzz). Names never equal a resource
 * spelling, so the oracle in read-only-invariants.ts can treat every such token as a resource.
 */
export const readVerbs = [
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
] as const;

export const writeVerbs = [
  'delete',
  'apply',
  'create',
  'edit',
  'patch',
  'replace',
  'scale',
  'label',
  'annotate',
  'exec',
  'cp',
  'run',
  'debug',
  'attach',
  'port-forward',
  'proxy',
  'drain',
  'cordon',
  'uncordon',
  'taint',
  'set',
  'expose',
  'autoscale',
  'certificate',
  'config',
  'plugin',
  'kustomize',
  'wait',
  'diff',
  'krew',
  'neat',
] as const;

export const subcommands = [
  'history',
  'status',
  'restart',
  'undo',
  'pause',
  'resume',
  'can-i',
  'whoami',
  'reconcile',
  'dump',
  'pod',
  'pods',
  'node',
  'view',
  'use-context',
  'generic',
  'token',
  'approve',
  'image',
] as const;

/** Subcommands a structured argv usually picks for its verb (read and write ones mixed). */
const usualSubcommands: Readonly<Record<string, readonly string[]>> = {
  rollout: ['history', 'status', 'restart', 'undo'],
  auth: ['can-i', 'whoami', 'reconcile'],
  top: ['pod', 'pods', 'node'],
  'cluster-info': ['dump'],
  create: ['generic', 'token', 'deployment'],
  set: ['image'],
  config: ['view', 'use-context'],
};

export const resources = [
  'pods',
  'po',
  'svc',
  'deploy',
  'deployments.apps',
  'deploy.v1.apps',
  'hpa',
  'events',
  'all',
  'nodes',
  'crd',
  'widgets.example.com',
  'cm',
  'configmaps',
  'configmap.v1',
  'ConfigMap',
  'secrets',
  'secret',
  'Secret',
  'SECRETS',
  'secrets.v1.',
  'secret.v1',
  'all,secrets',
  'pods,secrets',
  'pods,cm',
  'secret/db',
  'Secret/db',
  'pods/web-1',
  'deploy/web',
  'job/user-create-job',
  'cm/app',
] as const;

export const names = [
  'web-1',
  'user-create-job',
  'credit-api',
  'patch-manager',
  'db-0',
  'node-1',
  'app',
] as const;

export const safeFlags = [
  '-A',
  '-n',
  'kube-system',
  '--namespace=team-a',
  '-nteam-a',
  '-o',
  'json',
  'yaml',
  'wide',
  'name',
  '-ojson',
  '-o=yaml',
  '--output',
  '--output=json',
  '-l',
  'app=web',
  '-lapp=web',
  '--show-labels',
  '--tail=10',
  '-p',
  '-c',
  '--since=1h',
  '--no-headers',
  '-L',
  '--watch=false',
  '--request-timeout=5s',
  '--',
] as const;

export const templateFlags = [
  'jsonpath={.data}',
  '-ojsonpath={.data}',
  '-o=jsonpath={.items[*].data}',
  '--output=go-template={{.data}}',
  'go-template={{.data}}',
  'custom-columns=X:.data',
  '--template={{.data}}',
  '--sort-by=.data.x',
  'jsonpath-file=/etc/passwd',
  '-ogo-template-file=/etc/passwd',
] as const;

export const streamFlags = [
  '-w',
  '--watch',
  '--watch-only',
  '-f',
  '--follow',
  '-Aw',
  '-wA',
  '-pf',
  '--watch=true',
] as const;

export const forbiddenFlags = [
  '--kubeconfig=/x',
  '--kubeconfig',
  '/x',
  '--context=other',
  '--context',
  '--server=https://evil',
  '--server',
  '-s',
  '-shttps://evil',
  '-s=https://evil',
  '--as=admin',
  '--as',
  '--as-group=g',
  '--as_group=g',
  '--as-uid=0',
  '--token=t',
  '--user=u',
  '--cluster=c',
  '--raw',
  '/api/v1/secrets',
  '--raw=/api',
  '-f',
  'x.yaml',
  '--filename=x.yaml',
  '-k',
  '--kustomize=.',
  '--insecure-skip-tls-verify',
  '--insecure_skip_tls_verify=true',
  '--certificate-authority=/ca',
  '--client-key=/k',
  '--client-certificate=/c',
  '--username=u',
  '--password=p',
  '--cache-dir=/t',
  '-v=9',
  '--v=9',
  '--kuberc=/x',
  '-As',
  '-Af',
  '-Ak',
] as const;

export const hostileTokens = [
  '|',
  ';',
  '&&',
  '$(id)',
  '`id`',
  '>',
  '/etc/passwd',
  '-',
  '*',
  '',
  ' ',
  'pods;rm',
  '--=x',
  '---x',
  '-=',
  'ñ',
  '\u202e',
  'a\nb',
  '--bogus',
  '-Z',
] as const;

/** All pools, for unstructured generation. */
export const allTokens: readonly string[] = [
  ...readVerbs,
  ...writeVerbs,
  ...subcommands,
  ...resources,
  ...names,
  ...safeFlags,
  ...templateFlags,
  ...streamFlags,
  ...forbiddenFlags,
  ...hostileTokens,
];

export type Random = () => number;

/** A small fast seeded PRNG (mulberry32) so fuzz runs are reproducible by seed. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: Random, pool: readonly T[]): T {
  const value = pool[Math.floor(random() * pool.length)];
  if (value === undefined) throw new Error('empty pool');
  return value;
}

/**
 * One argv: half the time structured (`[kubectl] [globals] VERB [SUB] RESOURCE [NAME] FLAGS...`)
 * with a few hostile substitutions, otherwise 1-8 tokens drawn from every pool.
 */
export function generateArgv(random: Random): string[] {
  const argv: string[] = [];
  if (random() < 0.2) argv.push('kubectl');
  if (random() < 0.3) {
    const count = 1 + Math.floor(random() * 8);
    for (let index = 0; index < count; index += 1) argv.push(pick(random, allTokens));
    return argv;
  }
  if (random() < 0.15) argv.push(pick(random, ['-n', '--namespace']), pick(random, names));
  const verb = random() < 0.8 ? pick(random, readVerbs) : pick(random, writeVerbs);
  argv.push(verb);
  const usual = usualSubcommands[verb];
  if (usual !== undefined && random() < 0.8) argv.push(pick(random, usual));
  else if (random() < 0.1) argv.push(pick(random, subcommands));
  argv.push(pick(random, resources));
  if (random() < 0.3) argv.push(pick(random, names));
  const flagCount = Math.floor(random() * 4);
  for (let index = 0; index < flagCount; index += 1) {
    const roll = random();
    if (roll < 0.6) argv.push(pick(random, safeFlags));
    else if (roll < 0.72) argv.push(pick(random, templateFlags));
    else if (roll < 0.8) argv.push(pick(random, streamFlags));
    else if (roll < 0.92) argv.push(pick(random, forbiddenFlags));
    else argv.push(pick(random, hostileTokens));
  }
  return argv;
}
