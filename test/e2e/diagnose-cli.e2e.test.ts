import { diagnoseResponseSchema } from '@kubently/protocol';
import { run } from '@kubently/cli';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { createTestIo } from '../../apps/cli/test/support/test-io.js';
import { startInProcessRelay } from './in-process-relay.js';
import type { InProcessRelay } from './in-process-relay.js';
import './testbed-context.js';

/**
 * `kubently diagnose` end to end on the shared testbed: locally with --kubeconfig (the real
 * kubectl against the real apiserver) in every output format, and through the relay (a real
 * server and executor, the executor running the real kubectl). Asserts real findings of the
 * scenarios, not the exact report (B's diagnosis-scenarios test pins every scenario).
 */
const testbed = inject('testbed');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

const kubently = async (args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> => {
  // HOME in the run directory: kubectl keeps its discovery cache there, not in ./.kube of the repo.
  const io = createTestIo({
    env: { PATH: `${testbed.binDir}:${process.env['PATH'] ?? ''}`, HOME: testbed.runDir, ...env },
  });
  const code = await run(['diagnose', ...args], io);
  return { code, out: io.out(), err: io.err() };
};

const local = (args: readonly string[]): Promise<CliResult> =>
  kubently(['--kubeconfig', testbed.kubeconfig, '--kubectl', testbed.kubectl, ...args]);

/** Scenarios need up to ~2 minutes after apply to show every symptom; retries until `accept` holds. */
const until = async (attempt: () => Promise<CliResult>, accept: (result: CliResult) => boolean) => {
  const deadline = Math.max(Date.now() + 20_000, testbed.scenariosAppliedAt + 180_000);
  for (;;) {
    const result = await attempt();
    // A failing command is not retried: only a report still missing a symptom is.
    if (result.code !== 0 || accept(result) || Date.now() > deadline) return result;
    await sleep(3000);
  }
};

interface JsonReport {
  readonly findings: readonly {
    rule: string;
    severity: string;
    resource: { namespace: string };
    summary: string;
    rootCause: string;
  }[];
  readonly symptoms: readonly unknown[];
  readonly collection: {
    readonly missing: readonly string[];
    readonly warnings: readonly unknown[];
    readonly commands: readonly { args: string[]; ok: boolean }[];
  };
}

const rulesOf = (result: CliResult): string[] =>
  result.code === 0 ? (JSON.parse(result.out) as JsonReport).findings.map((finding) => finding.rule) : [];

/** Root-cause rules of one namespace (the fake kubelet alternates a crash loop with a fresh start). */
const rulesIn = (result: CliResult, namespace: string): string[] =>
  result.code === 0
    ? (JSON.parse(result.out) as JsonReport).findings
        .filter((finding) => finding.resource.namespace === namespace)
        .map((finding) => finding.rule)
    : [];

describe('kubently diagnose --kubeconfig against the testbed', { timeout: 300_000 }, () => {
  it('JSON: the crash-looping namespace yields a crash-loop root cause naming the missing variable', async () => {
    const result = await until(
      () => local(['-n', 'crashloop-missing-env', '-o', 'json']),
      (r) => rulesOf(r).includes('container-crash-loop'),
    );
    expect(result.code, result.err).toBe(0);
    const report = JSON.parse(result.out) as JsonReport;
    const crash = report.findings.find((finding) => finding.rule === 'container-crash-loop');
    expect(crash, JSON.stringify(report.findings, null, 2)).toBeDefined();
    expect(crash?.resource.namespace).toBe('crashloop-missing-env');
    expect(`${crash?.summary ?? ''} ${crash?.rootCause ?? ''}`).toMatch(/DATABASE_URL/);
    expect(report.collection.missing).toEqual([]);
    expect(report.collection.warnings).toEqual([]);
    // One list for every namespaced kind of the namespace, one per cluster-scoped kind; all ok.
    // Then the logs of the crash-looping container (a missing previous log is not an error).
    const lists = report.collection.commands.filter((command) => command.args[0] === 'get');
    expect(lists.some((command) => command.args.includes('-A'))).toBe(false);
    expect(lists.filter((command) => command.args.includes('-n'))).toHaveLength(1);
    expect(lists.filter((command) => !command.ok)).toEqual([]);
    expect(
      report.collection.commands
        .filter((command) => command.args[0] === 'logs')
        .map((command) => command.args[1]),
    ).not.toEqual([]);
    expect(crash?.rootCause ?? '').toMatch(/Its log says "FATAL: required environment variable DATABASE_URL/);
  });

  it('table: one line per root cause with the fix; image pull typo found', async () => {
    const result = await until(
      () => local(['-n', 'image-pull-typo']),
      (r) => /image/i.test(r.out) && /CRITICAL|WARNING/.test(r.out),
    );
    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(/^SEVERITY\s+RESOURCE\s+ROOT CAUSE\s+FIX/m);
    expect(result.out).toMatch(/(CRITICAL|WARNING)\s+\S+\/image-pull-typo\/\S+\s+.*ngnix/);
    expect(result.err).toMatch(/collected 30 kinds with \d+ kubectl commands/);
  });

  it('markdown: a section per root cause with evidence commands; nothing inside the healthy namespace', async () => {
    const broken = await until(
      () => local(['-n', 'readiness-wrong-path', '-o', 'markdown']),
      (r) => /404/.test(r.out),
    );
    expect(broken.code, broken.err).toBe(0);
    expect(broken.out).toMatch(/^#+ .*(critical|warning|CRITICAL|WARNING)/im);
    expect(broken.out).toMatch(/404/);
    expect(broken.out).toMatch(/`kubectl [^`]+`/);
    // A cluster-scoped finding that touches nothing of the namespace (the NotReady node of another
    // scenario) stays out of a namespaced report, so the healthy namespace reports nothing at all.
    const healthy = await local(['-n', 'healthy', '-o', 'json']);
    expect(healthy.code, healthy.err).toBe(0);
    const report = JSON.parse(healthy.out) as JsonReport;
    expect(report.findings).toEqual([]);
    expect(report.symptoms).toEqual([]);
  });

  it('--fail-on critical exits 8 for the whole cluster (every scenario applied)', async () => {
    const result = await local(['--fail-on', 'critical', '--min-severity', 'critical']);
    expect(result.code, result.err).toBe(8);
    expect(result.out.split('\n').filter((line) => line.startsWith('CRITICAL')).length).toBeGreaterThan(10);
  });
});

describe(
  'kubently diagnose <cluster> through the relay (real server and executor)',
  { timeout: 300_000 },
  () => {
    const adminKey = 'diagnose-e2e-admin-0123456789abcdef';
    let relayed: InProcessRelay;

    beforeAll(async () => {
      relayed = await startInProcessRelay(testbed, adminKey);
    });

    afterAll(async () => {
      await relayed.close();
    });

    const relay = (args: readonly string[]): Promise<CliResult> =>
      kubently(['testbed', ...args], {
        KUBENTLY_API_URL: relayed.server.url,
        KUBENTLY_API_KEY: adminKey,
        KUBENTLY_CONFIG_DIR: testbed.runDir,
      });

    it('diagnoses the whole cluster through the executor and finds the crash loop', async () => {
      const result = await until(
        () => relay(['-o', 'json']),
        (r) => rulesIn(r, 'crashloop-missing-env').includes('container-crash-loop'),
      );
      expect(result.code, result.err).toBe(0);
      const report = diagnoseResponseSchema.parse(JSON.parse(result.out));
      expect(report.clusterId).toBe('testbed');
      expect(
        report.findings.some(
          (finding) =>
            finding.rule === 'container-crash-loop' && finding.resource.namespace === 'crashloop-missing-env',
        ),
      ).toBe(true);
      expect(report.collection.missing).toEqual([]);
      expect(report.collection.commands.every((command) => command.ok || command.args[0] === 'logs')).toBe(
        true,
      );
      // Secret values are redacted by the executor and dropped by the collector: none can appear.
      expect(result.out).not.toMatch(/"data"\s*:/);
    });

    it('prints the table for one namespace, and audits each command under the caller', async () => {
      // The pod alternates between CrashLoopBackOff and a fresh crash; retry until it is caught waiting.
      const result = await until(
        () => relay(['-n', 'crashloop-missing-env']),
        (r) => /CRITICAL\s+\S+\/crashloop-missing-env\/\S+\s+.*crash/i.test(r.out),
      );
      expect(result.code, result.err).toBe(0);
      // Through the read path each kind is one read for the namespace (no bundling), then the
      // crash-looping container's current and previous log: bounded by the kinds, not the cluster.
      const commands = Number(/collected 30 kinds with (\d+) kubectl commands/.exec(result.err)?.[1]);
      expect(commands, result.err).toBeGreaterThanOrEqual(5);
      expect(commands, result.err).toBeLessThanOrEqual(40);
      expect(result.out).toMatch(/CRITICAL\s+\S+\/crashloop-missing-env\/\S+\s+.*crash/i);
      const audit = (await (
        await fetch(`${relayed.server.url}/v1/audit?clusterId=testbed&limit=40`, {
          headers: { 'x-api-key': adminKey },
        })
      ).json()) as { records: { identity: string; source: string; argv: string[] }[] };
      expect(audit.records.length).toBeGreaterThan(0);
      for (const record of audit.records)
        expect(record).toMatchObject({ identity: 'sre', source: 'diagnosis' });
    });
  },
);
