/**
 * Kubently's diagnosis beside k8sgpt on one testbed with every scenario applied: for each scenario,
 * does the tool name the expected root cause (found), is it the first thing it says about the
 * namespace (first), and how many other items does it show there (noise); cluster-wide and with
 * `-n <scenario>`; and how long each takes. One rule scores both tools (root-cause-scoring.ts).
 *
 * k8sgpt is not part of this repository: point K8SGPT_BIN at a k8sgpt binary built elsewhere. It
 * runs `k8sgpt analyze -o json --no-cache` with its default analyzers and no AI backend, in a HOME
 * of its own. Without K8SGPT_BIN the benchmark says so and exits.
 *
 *   K8SGPT_BIN=/path/to/k8sgpt npx tsx --conditions=kubently-source bench/diagnosis/beside-k8sgpt.ts [--runs 3]
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs, promisify } from 'node:util';

import { collectSnapshot, diagnose } from '@kubently/diagnosis';
import type { ClusterSnapshot, Finding, KubectlRun, Report } from '@kubently/diagnosis';
import { checkSymptom, loadScenario, Testbed } from '@kubently/testbed';
import type { Scenario } from '@kubently/testbed';

import { localKubectlRun } from '../../apps/cli/src/local/index.js';
import { rootsFor } from '../../test/e2e/diagnosis-expectations.js';
import { ClusterIndex, k8sgptItems, k8sgptOutputSchema, score } from './root-cause-scoring.js';
import type { Item, Score } from './root-cause-scoring.js';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'settle-seconds': { type: 'string', default: '300' },
  },
});
const runs = Math.max(1, Number(values.runs));
const settleMs = Number(values['settle-seconds']) * 1000;
const log = (line: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const median = (samples: readonly number[]): number => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const ms = (value: number): string => `${String(Math.round(value))} ms`;

function table(rows: readonly (readonly string[])[]): string {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  const line = (row: readonly string[]): string =>
    `| ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  const [head, ...body] = rows;
  return [
    line(head ?? []),
    `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`,
    ...body.map(line),
  ].join('\n');
}

const kubentlyItems = (report: Report, namespace: string | undefined): Item[] => {
  const roots: readonly Finding[] = namespace === undefined ? report.findings : rootsFor(report, namespace);
  return roots.map((finding) => ({
    object: finding.resource,
    text: `${finding.summary}\n${finding.rootCause}`,
    covers: finding.affected,
  }));
};

async function main(): Promise<void> {
  const k8sgpt = process.env['K8SGPT_BIN'];
  if (k8sgpt === undefined || k8sgpt === '') {
    process.stdout.write(
      'K8SGPT_BIN is not set: this benchmark compares Kubently with k8sgpt and needs a k8sgpt binary.\n' +
        'Build k8sgpt outside this repository and run again with K8SGPT_BIN=/path/to/k8sgpt. Skipped.\n',
    );
    return;
  }
  const k8sgptVersion = (await run(k8sgpt, ['version'])).stdout.trim().split('\n')[0] ?? 'unknown';
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  const runDir = mkdtempSync(join(tmpdir(), 'kubently-bench-k8sgpt-'));
  const k8sgptHome = join(runDir, 'k8sgpt-home');
  mkdirSync(k8sgptHome, { recursive: true });
  log(`starting a testbed in ${runDir}`);
  const testbed = await Testbed.start({ runDir, build: false, onLog: log, timeoutMs: 240_000 });
  try {
    const applied = await testbed.applyScenarios('all');
    const scenarios: Scenario[] = await Promise.all(applied.map((item) => loadScenario(item.name)));
    log(
      `applied ${String(scenarios.length)} scenarios; waiting for their symptoms (at most ${String(settleMs / 1000)} s)`,
    );
    const kubectl = (args: readonly string[]) => testbed.kubectl(args);
    const deadline = Date.now() + settleMs;
    for (const scenario of scenarios) {
      for (const symptom of scenario.expected.symptoms) {
        for (;;) {
          const shown = await checkSymptom(kubectl, scenario.namespace, symptom);
          if (shown.ok) break;
          if (Date.now() > deadline) {
            log(`${scenario.name}: a symptom had not shown by the deadline; measuring anyway`);
            break;
          }
          await sleep(3000);
        }
      }
    }

    const cli = localKubectlRun({
      kubectl: testbed.kubectlPath,
      kubeconfig: testbed.kubeconfig,
      env: { PATH: process.env['PATH'], HOME: runDir },
    });
    const kubentlyRun: KubectlRun = (args, signal) => cli(args, signal);
    /** What `kubently diagnose --kubeconfig` does: collect (lists + failing logs), then diagnose. */
    const kubently = async (
      namespace?: string,
    ): Promise<{ report: Report; snapshot: ClusterSnapshot; ms: number }> => {
      const started = performance.now();
      const { snapshot } = await collectSnapshot({
        run: kubentlyRun,
        namespaces: namespace === undefined ? 'all' : [namespace],
        signal: AbortSignal.timeout(180_000),
      });
      const report = diagnose(snapshot, namespace === undefined ? {} : { namespaces: [namespace] });
      return { report, snapshot, ms: performance.now() - started };
    };
    const analyze = async (namespace?: string): Promise<{ items: Item[]; ms: number }> => {
      const started = performance.now();
      const { stdout } = await run(
        k8sgpt,
        [
          'analyze',
          '-o',
          'json',
          '--no-cache',
          '--kubeconfig',
          testbed.kubeconfig,
          ...(namespace === undefined ? [] : ['-n', namespace]),
        ],
        {
          env: { PATH: process.env['PATH'], HOME: k8sgptHome, XDG_CONFIG_HOME: k8sgptHome },
          maxBuffer: 64 * 2 ** 20,
        },
      );
      const elapsed = performance.now() - started;
      return { items: k8sgptItems(k8sgptOutputSchema.parse(JSON.parse(stdout))), ms: elapsed };
    };

    const loadBefore = loadavg()
      .map((value) => value.toFixed(2))
      .join(' ');
    const wholeKubently: number[] = [];
    const wholeK8sgpt: number[] = [];
    let lastKubently: Awaited<ReturnType<typeof kubently>> | undefined;
    let lastK8sgpt: Awaited<ReturnType<typeof analyze>> | undefined;
    for (let index = 0; index < runs; index += 1) {
      lastKubently = await kubently();
      wholeKubently.push(lastKubently.ms);
      lastK8sgpt = await analyze();
      wholeK8sgpt.push(lastK8sgpt.ms);
    }
    if (lastKubently === undefined || lastK8sgpt === undefined) throw new Error('no run');
    const clusterIndex = new ClusterIndex(lastKubently.snapshot);

    interface Row {
      readonly name: string;
      readonly culprit: string;
      readonly kubently: Score;
      readonly k8sgpt: Score;
      readonly kubentlyScoped: Score;
      readonly k8sgptScoped: Score;
    }
    const rows: Row[] = [];
    const scopedKubently: number[] = [];
    const scopedK8sgpt: number[] = [];
    for (const scenario of scenarios) {
      const { culprit } = scenario.expected;
      const name = scenario.namespace;
      const scopedReport = await kubently(name);
      scopedKubently.push(scopedReport.ms);
      const scopedAnalysis = await analyze(name);
      scopedK8sgpt.push(scopedAnalysis.ms);
      rows.push({
        name: scenario.name,
        culprit: culprit === null ? '(none)' : `${culprit.kind}/${culprit.name}`,
        kubently: score(kubentlyItems(lastKubently.report, name), name, culprit, clusterIndex),
        k8sgpt: score(lastK8sgpt.items, name, culprit, clusterIndex),
        kubentlyScoped: score(kubentlyItems(scopedReport.report, name), name, culprit, clusterIndex),
        k8sgptScoped: score(scopedAnalysis.items, name, culprit, clusterIndex),
      });
    }
    const loadAfter = loadavg()
      .map((value) => value.toFixed(2))
      .join(' ');

    const cell = (value: Score): string =>
      `${value.found ? 'yes' : 'no'} / ${value.first ? 'yes' : 'no'} / ${String(value.noise)}`;
    const broken = rows.filter((row) => row.culprit !== '(none)');
    const count = (pick: (row: Row) => Score, key: 'found' | 'first'): string =>
      `${String(broken.filter((row) => pick(row)[key]).length)}/${String(broken.length)}`;
    const noise = (pick: (row: Row) => Score): string =>
      String(rows.reduce((sum, row) => sum + pick(row).noise, 0));

    process.stdout.write(
      [
        `Diagnosis beside k8sgpt · commit ${commit} · ${k8sgptVersion}`,
        `machine: ${String(cpus().length)} × ${cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}; load average before ${loadBefore}, after ${loadAfter}`,
        `testbed: ${String(scenarios.length)} scenarios, ${String(lastKubently.snapshot.pods?.length ?? 0)} pods, Kubernetes ${testbed.state.kubernetesVersion}`,
        '',
        'Per scenario: found / first / noise (items of the namespace that do not name the root cause)',
        '',
        table([
          ['scenario', 'expected root cause', 'Kubently -A', 'k8sgpt -A', 'Kubently -n', 'k8sgpt -n'],
          ...rows.map((row) => [
            row.name,
            row.culprit,
            cell(row.kubently),
            cell(row.k8sgpt),
            cell(row.kubentlyScoped),
            cell(row.k8sgptScoped),
          ]),
          [
            'total',
            `${String(broken.length)} broken + healthy`,
            `${count((row) => row.kubently, 'found')} / ${count((row) => row.kubently, 'first')} / ${noise((row) => row.kubently)}`,
            `${count((row) => row.k8sgpt, 'found')} / ${count((row) => row.k8sgpt, 'first')} / ${noise((row) => row.k8sgpt)}`,
            `${count((row) => row.kubentlyScoped, 'found')} / ${count((row) => row.kubentlyScoped, 'first')} / ${noise((row) => row.kubentlyScoped)}`,
            `${count((row) => row.k8sgptScoped, 'found')} / ${count((row) => row.k8sgptScoped, 'first')} / ${noise((row) => row.k8sgptScoped)}`,
          ],
        ]),
        '',
        'Times (wall clock, median; whole cluster over the runs, -n over the scenarios)',
        '',
        table([
          [
            'tool',
            `whole cluster (${String(runs)} runs)`,
            `-n <scenario> (${String(scopedKubently.length)} runs)`,
            'items whole cluster',
          ],
          [
            'Kubently (collect + diagnose, in process)',
            ms(median(wholeKubently)),
            ms(median(scopedKubently)),
            String(lastKubently.report.findings.length),
          ],
          [
            'k8sgpt analyze (process)',
            ms(median(wholeK8sgpt)),
            ms(median(scopedK8sgpt)),
            String(lastK8sgpt.items.length),
          ],
        ]),
        '',
      ].join('\n'),
    );
  } finally {
    await testbed.stop();
  }
}

await main();
