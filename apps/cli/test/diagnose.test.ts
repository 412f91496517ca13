import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { snapshotSources } from '@kubently/diagnosis';
import { evaluate } from '@kubently/policy';
import { diagnosisReportSchema } from '@kubently/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { run } from '../src/run.js';
import { createTestIo, makeTempDir } from './support/test-io.js';

/** Large kinds get a command each; the small ones share one cluster-wide and one cluster-scoped command. */
// The lists, plus the current and previous log of the one crash-looping container.
const commandsForAll = snapshotSources.filter((source) => source.listedAlone).length + 2 + 2;
const fakeKubectl = fileURLToPath(new URL('./fixtures/fake-kubectl-cluster.mjs', import.meta.url));

let dir: string;
let kubeconfig: string;

beforeAll(async () => {
  dir = await makeTempDir('kubently-diagnose-');
  kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, 'apiVersion: v1\nkind: Config\n');
});

afterAll(async () => {
  const { rm } = await import('node:fs/promises');
  await rm(dir, { recursive: true, force: true });
});

async function kubently(args: string[], env: Record<string, string> = {}) {
  const io = createTestIo({ env: { PATH: process.env['PATH'] ?? '', KUBENTLY_CONFIG_DIR: dir, ...env } });
  const code = await run(['diagnose', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('kubently diagnose: argument errors', () => {
  it.each([
    [['--api-url', 'http://127.0.0.1:9'], /missing <cluster>.*drop the server flags/s],
    [['prod', 'extra'], /unexpected arguments: extra/],
    [['prod', '--kubeconfig', 'k'], /either <cluster>.*not both/],
    [['prod', '-o', 'xml'], /-o\/--output must be one of table, wide, json, yaml, markdown \(got "xml"\)/],
    [['prod', '--min-severity', 'high'], /--min-severity must be one of critical, warning, info/],
    [['prod', '--fail-on', 'error'], /--fail-on must be one of critical, warning, info/],
    [['prod', '--include', 'security'], /--include must be one of posture \(got "security"\)/],
    [['prod', '-A', '-n', 'shop'], /-A and -n exclude each other/],
    [['prod', '-n', 'Shop_1'], /-n "Shop_1" is not a namespace name/],
    [['prod', '-n', 'shop,'], /-n "" is not a namespace name/],
    [['prod', '--kubectl', '/usr/bin/kubectl'], /--kubectl applies to local mode only/],
    [['--context', 'dev', '--api-url', 'http://127.0.0.1:1'], /--api-url is for diagnosing through a server/],
    [['--kubeconfig', '/nonexistent/kubeconfig'], /--kubeconfig \/nonexistent\/kubeconfig: no such file/],
    [['NotACluster'], /invalid cluster id "NotACluster"/],
    [['prod', '--bogus'], /bogus/],
  ])('kubently diagnose %j exits 2 naming the problem', async (args, message) => {
    const result = await kubently(args);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
    expect(result.out).toBe('');
  });

  it('rejects a bad --concurrency in local mode', async () => {
    const result = await kubently([
      '--kubeconfig',
      kubeconfig,
      '--kubectl',
      fakeKubectl,
      '--concurrency',
      '0',
    ]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/concurrency/);
  });
});

describe('kubently diagnose --kubeconfig (local, kubectl test double)', { timeout: 60_000 }, () => {
  const local = (args: string[], env: Record<string, string> = {}) =>
    kubently(['--kubeconfig', kubeconfig, '--kubectl', fakeKubectl, ...args], env);

  it('prints one line per root cause with its fix, and the collection on stderr', async () => {
    const result = await local(['-n', 'shop']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(
      /CRITICAL\s+Pod\/shop\/api-7d9f-x1\s+container api is crash-looping \(exit code 1, Error\)/,
    );
    // eslint-disable-next-line no-control-regex
    expect(result.out).not.toMatch(/\u001b\[/);
    expect(result.err).toMatch(/collected 30 kinds with \d+ kubectl commands in \d+\.\d s/);
  });

  it('with no cluster and no flags, diagnoses the current kubeconfig context; -o wide wraps instead of cutting', async () => {
    const result = await kubently(['-n', 'shop', '-o', 'wide'], {
      KUBECONFIG: kubeconfig,
      KUBENTLY_KUBECTL: fakeKubectl,
    });
    expect(result.err).not.toContain('missing <cluster>');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/CRITICAL\s+Pod\/shop\/api-7d9f-x1\s+container api is crash-looping/);
    expect(result.out).not.toContain('…');
  });

  it('runs only read-only argv, adds --kubeconfig/--context itself, and hides KUBENTLY_* from kubectl', async () => {
    const log = join(dir, 'argv.log');
    const result = await local(['--context', 'dev', '-o', 'json'], {
      FAKE_KUBECTL_LOG: log,
      KUBENTLY_API_KEY: 'must-not-leak-0123456789',
    });
    expect(result.code).toBe(0);
    const calls = (await readFile(log, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { argv: string[]; envKeys: string[] });
    expect(calls.length).toBe(commandsForAll);
    for (const { argv, envKeys } of calls) {
      expect(argv.slice(-4)).toEqual(['--kubeconfig', kubeconfig, '--context', 'dev']);
      expect(evaluate(argv.slice(0, -4)).allowed, argv.join(' ')).toBe(true);
      expect(envKeys.filter((key) => key.startsWith('KUBENTLY_'))).toEqual([]);
    }
  });

  it('prints JSON as {findings, ..., collection} without any Secret value', async () => {
    const result = await local(['-o', 'json']);
    expect(result.code).toBe(0);
    const body = JSON.parse(result.out) as {
      findings: { rule: string }[];
      symptoms: unknown[];
      summary: object;
      collection: { commands: unknown[]; missing: string[] };
    };
    expect(Object.keys(body).slice(0, 3)).toEqual(['findings', 'symptoms', 'summary']);
    expect(body.findings.map((finding) => finding.rule)).toContain('container-crash-loop');
    expect(body.collection.commands).toHaveLength(commandsForAll);
    // The crash line read with `kubectl logs --previous` is quoted as evidence.
    expect(result.out).toContain('logs api-7d9f-x1 -n shop -c api --tail=200 --limit-bytes=65536 --previous');
    expect(result.out).toContain("Error: ENOENT: no such file or directory, open '/etc/api.yaml'");
    expect(body.collection.missing).toEqual([]);
    expect(result.out).not.toContain('aHVudGVyMg==');
  });

  it('adds posture findings after the incidents with --include posture, and none without', async () => {
    const parse = (out: string) => diagnosisReportSchema.parse(JSON.parse(out));
    const without = parse((await local(['-o', 'json'])).out);
    expect(without.findings.map((finding) => finding.category)).not.toContain('posture');
    const result = await local(['-o', 'json', '--include', 'posture']);
    expect(result.code).toBe(0);
    const categories = parse(result.out).findings.map((finding) => finding.category);
    expect(categories[0]).toBe('incident');
    expect(categories).toContain('posture');
    expect(categories.slice(categories.indexOf('posture')).every((category) => category === 'posture')).toBe(
      true,
    );
    expect(parse(result.out).summary.posture).toBeGreaterThan(0);
  });

  it('prints Markdown with the root cause, evidence commands and fix', async () => {
    const result = await local(['-o', 'markdown', '--min-severity', 'critical']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^#/m);
    expect(result.out).toContain('api-7d9f-x1');
    expect(result.out).toMatch(/kubectl /);
  });

  it('names a kind it may not list on stderr and still reports', async () => {
    const result = await local([], { FAKE_KUBECTL_FORBID: 'secrets' });
    expect(result.code).toBe(0);
    expect(result.err).toMatch(
      /not collected: secrets \(forbidden: .*\); rules that need it stayed silent\n\s+fix: grant "list" on secrets/,
    );
  });

  it('exits 8 with --fail-on when a finding is severe enough, 0 when none is', async () => {
    expect((await local(['--fail-on', 'critical'])).code).toBe(8);
    expect((await local(['--fail-on', 'critical', '-n', 'web'])).code).toBe(0);
  });

  it('exits 7 naming the fix when kubectl cannot be started', async () => {
    const result = await kubently(['--kubeconfig', kubeconfig, '--kubectl', join(dir, 'no-kubectl')]);
    expect(result.code).toBe(7);
    expect(result.err).toMatch(/could not be started: install kubectl or pass its path with --kubectl/);
  });
});
