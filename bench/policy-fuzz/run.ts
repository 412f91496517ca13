/**
 * Policy fuzzer: generates argv from a grammar mixing valid and hostile tokens, evaluates each under
 * one of four policies, and checks every allowed decision against an independent read-only oracle.
 * Also fuzzes redaction with random Secrets. Prints a table and writes JSON to bench/results/.
 *
 *   npx tsx bench/policy-fuzz/run.ts [--count N] [--seed S]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

import {
  defaultPolicyConfig,
  evaluate,
  parsePolicyConfig,
  redactOutput,
} from '../../packages/policy/src/index.js';
import type { PolicyConfig } from '../../packages/policy/src/index.js';
import { generateArgv, seededRandom } from '../../packages/policy/test/argv-grammar.js';
import type { Random } from '../../packages/policy/test/argv-grammar.js';
import { violationsOf } from '../../packages/policy/test/read-only-invariants.js';
import type { OracleMode } from '../../packages/policy/test/read-only-invariants.js';

interface Target {
  readonly label: string;
  readonly config: PolicyConfig;
  readonly mode: OracleMode;
  readonly restricted: ReadonlySet<string>;
}

const targets: readonly Target[] = [
  { label: 'readOnly', config: defaultPolicyConfig('readOnly'), mode: 'readOnly', restricted: new Set() },
  {
    label: 'extendedReadOnly',
    config: defaultPolicyConfig('extendedReadOnly'),
    mode: 'extendedReadOnly',
    restricted: new Set(),
  },
  {
    label: 'fullAccess',
    config: parsePolicyConfig({ mode: 'fullAccess', fullAccessAcknowledged: true }),
    mode: 'fullAccess',
    restricted: new Set(),
  },
  {
    label: 'readOnly+cm restricted',
    config: parsePolicyConfig({ restrictedResources: ['configmaps'] }),
    mode: 'readOnly',
    restricted: new Set(['configmaps', 'configmap', 'cm']),
  },
];

const reasonClasses: readonly [string, RegExp][] = [
  ['tokenizer (unbalanced quotes)', /cannot be tokenized/],
  ['always-rejected flag', /always rejected/],
  ['verb needs another mode', /is not allowed in \w+ mode \(it needs/],
  [
    'never / unknown verb (plugin)',
    /never allowed|not a kubectl command|needs a subcommand|no verb|before the verb|empty command/,
  ],
  ['streaming flag (watch/follow)', /streams until|needs a bound/],
  [
    'unknown or misplaced flag',
    /flag -{1,2}\S+.* is not allowed for|not a valid flag|is a boolean|needs a value/,
  ],
  ['flag-like argument or value', /looks like a flag/],
  ['restricted resource', /restricted on this cluster/],
  ['Secret output not redactable', /cannot be redacted|leaks the order|cannot target/],
  ['output format (file/unknown)', /template file|output format .* is unknown|plaintext/],
  [
    'malformed argument',
    /TYPE\[|no resource given|name argument|too many arguments|takes none|can-i takes|characters|not a resource type|TYPE\/NAME|type list|mixing|argument|exactly one|API verb|non-resource URL|namespace name|no resource type|control characters/,
  ],
];

const otherSamples = new Set<string>();

function classify(reason: string): string {
  for (const [label, pattern] of reasonClasses) if (pattern.test(reason)) return label;
  if (otherSamples.size < 10) otherSamples.add(reason);
  return 'other';
}

/** Occasionally pass the argv as a command string (quoted, sometimes broken) to exercise the tokenizer. */
function asInput(argv: string[], random: Random): readonly string[] | string {
  const roll = random();
  if (roll < 0.9) return argv;
  const quoted = argv.map((token) =>
    /^[A-Za-z0-9._\-=/,:]+$/.test(token) ? token : `'${token.replaceAll("'", `'\\''`)}'`,
  );
  const command = quoted.join(' ');
  return roll < 0.97 ? command : `${command} "unbalanced`;
}

function fuzzPolicy(count: number, seed: number) {
  const random = seededRandom(seed);
  const byClass = new Map<string, number>();
  const byTarget = new Map<string, { tried: number; allowed: number }>();
  const violations: { argv: readonly string[] | string; target: string; problems: string[] }[] = [];
  let allowed = 0;
  let exceptions = 0;
  let redactionNeeded = 0;
  const started = performance.now();
  for (let index = 0; index < count; index += 1) {
    const target = targets[index % targets.length] ?? targets[0];
    if (target === undefined) break;
    const argv = generateArgv(random);
    const input = asInput(argv, random);
    const stats = byTarget.get(target.label) ?? { tried: 0, allowed: 0 };
    stats.tried += 1;
    byTarget.set(target.label, stats);
    try {
      const decision = evaluate(input, target.config);
      if (decision.allowed) {
        allowed += 1;
        stats.allowed += 1;
        if (decision.needsRedaction) redactionNeeded += 1;
        const checked = typeof input === 'string' ? decision.argv : argv;
        const problems = violationsOf(checked, decision, {
          mode: target.mode,
          restricted: target.restricted,
        });
        if (problems.length > 0 && violations.length < 50)
          violations.push({ argv: input, target: target.label, problems });
        else if (problems.length > 0)
          violations.push({ argv: '(truncated)', target: target.label, problems });
      } else {
        const label = classify(decision.reason);
        byClass.set(label, (byClass.get(label) ?? 0) + 1);
      }
    } catch (error) {
      exceptions += 1;
      if (violations.length < 50) {
        violations.push({ argv: input, target: target.label, problems: [`exception: ${String(error)}`] });
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    count,
    allowed,
    denied: count - allowed - exceptions,
    exceptions,
    redactionNeeded,
    byClass,
    byTarget,
    violations,
    seconds,
  };
}

function base64(random: Random, length: number): string {
  const bytes = new Uint8Array(length);
  for (let index = 0; index < length; index += 1) bytes[index] = Math.floor(random() * 256);
  return Buffer.from(bytes).toString('base64');
}

function fuzzRedaction(count: number, seed: number) {
  const random = seededRandom(seed ^ 0x5eed);
  const decision = evaluate('get secrets -A -o yaml');
  let leaks = 0;
  let miscounted = 0;
  let values = 0;
  const started = performance.now();
  for (let index = 0; index < count; index += 1) {
    const secrets = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, n) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `s${n}` },
      data: Object.fromEntries(
        Array.from({ length: 1 + Math.floor(random() * 4) }, (_, k) => [
          `key-${k}`,
          base64(random, 8 + Math.floor(random() * 40)),
        ]),
      ),
    }));
    const expected = secrets.flatMap((secret) => Object.values(secret.data));
    values += expected.length;
    const document =
      secrets.length === 1 && random() < 0.5
        ? secrets[0]
        : { apiVersion: 'v1', kind: 'List', items: secrets };
    const stdout = random() < 0.5 ? JSON.stringify(document, null, 4) : toYaml(document);
    const { output, redactions } = redactOutput(decision, stdout);
    if (expected.some((value) => output.includes(value))) leaks += 1;
    if (redactions !== expected.length) miscounted += 1;
  }
  return { count, values, leaks, miscounted, seconds: (performance.now() - started) / 1000 };
}

/** Block-style YAML the way kubectl prints it (two-space indent, `- ` list items). */
function toYaml(value: unknown, indent = ''): string {
  if (Array.isArray(value)) {
    return value.map((item) => `${indent}- ${toYaml(item, `${indent}  `).trimStart()}`).join('');
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value)
      .map(([key, child]) =>
        typeof child === 'object' && child !== null
          ? `${indent}${key}:\n${toYaml(child, Array.isArray(child) ? indent : `${indent}  `)}`
          : `${indent}${key}: ${JSON.stringify(child)}\n`,
      )
      .join('');
  }
  return `${indent}${JSON.stringify(value)}\n`;
}

function main(): number {
  const { values } = parseArgs({
    options: { count: { type: 'string', default: '1000000' }, seed: { type: 'string', default: '1' } },
  });
  const count = Number.parseInt(values.count, 10);
  const seed = Number.parseInt(values.seed, 10);
  if (!Number.isSafeInteger(count) || count <= 0 || !Number.isSafeInteger(seed)) {
    process.stderr.write('usage: npx tsx bench/policy-fuzz/run.ts [--count N] [--seed S] (N > 0)\n');
    return 2;
  }
  const machine = {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
  const policy = fuzzPolicy(count, seed);
  const redaction = fuzzRedaction(Math.max(1000, Math.floor(count / 100)), seed);

  const rows: [string, string][] = [
    ['machine', `${machine.nproc} cpu (${machine.cpu}), ${machine.memoryGiB} GiB, node ${machine.node}`],
    ['seed', String(seed)],
    ['inputs tried', policy.count.toLocaleString('en')],
    ['allowed', policy.allowed.toLocaleString('en')],
    ['  of which need redaction', policy.redactionNeeded.toLocaleString('en')],
    ['denied', policy.denied.toLocaleString('en')],
    ...[...policy.byClass.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([label, n]): [string, string] => [`  ${label}`, n.toLocaleString('en')]),
    ...[...policy.byTarget.entries()].map(([label, stats]): [string, string] => [
      `policy ${label}`,
      `${stats.tried.toLocaleString('en')} tried, ${stats.allowed.toLocaleString('en')} allowed`,
    ]),
    ['exceptions', String(policy.exceptions)],
    ['invariant violations', String(policy.violations.length)],
    [
      'throughput',
      `${Math.round(policy.count / policy.seconds).toLocaleString('en')} decisions/s (${policy.seconds.toFixed(1)} s)`,
    ],
    [
      'redaction inputs',
      `${redaction.count.toLocaleString('en')} (${redaction.values.toLocaleString('en')} values)`,
    ],
    ['redaction leaks / miscounts', `${redaction.leaks} / ${redaction.miscounted}`],
    [
      'redaction throughput',
      `${Math.round(redaction.count / redaction.seconds).toLocaleString('en')} outputs/s`,
    ],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  process.stdout.write(
    `policy fuzz\n${rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n')}\n`,
  );
  for (const sample of otherSamples) process.stdout.write(`other reason: ${sample}\n`);
  for (const violation of policy.violations.slice(0, 10)) {
    process.stdout.write(
      `VIOLATION [${violation.target}] ${JSON.stringify(violation.argv)}: ${violation.problems.join('; ')}\n`,
    );
  }

  const resultsDir = new URL('../results/', import.meta.url);
  mkdirSync(resultsDir, { recursive: true });
  const file = new URL(`policy-fuzz-${new Date().toISOString().replaceAll(':', '-')}.json`, resultsDir);
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        machine,
        seed,
        policy: {
          ...policy,
          byClass: Object.fromEntries(policy.byClass),
          byTarget: Object.fromEntries(policy.byTarget),
        },
        redaction,
        otherReasonSamples: [...otherSamples],
      },
      null,
      2,
    )}\n`,
  );
  process.stdout.write(`results written to ${file.pathname}\n`);
  return policy.violations.length > 0 ||
    policy.exceptions > 0 ||
    redaction.leaks > 0 ||
    redaction.miscounted > 0
    ? 1
    : 0;
}

process.exitCode = main();
