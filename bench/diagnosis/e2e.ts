/**
 * End-to-end diagnosis benchmark on a real control plane (the testbed, kwok nodes):
 * applies every testbed scenario, adds a synthetic workload of ~`--pods` pods (most healthy, a few
 * dozen broken across seven failure kinds), waits until the cluster shows every fault, then times
 * `collect + diagnose + render` end to end, locally (kubectl with the kubeconfig) and through the
 * relay (`POST /v1/clusters/:id/diagnose` on an in-process server and executor). Prints the
 * machine, a timing table, which planted faults and scenario root causes were found, and writes
 * JSON to bench/results/.
 *
 * Run (testbed binaries built: `bash testbed/build.sh`):
 *   npx tsx --conditions=kubently-source bench/diagnosis/e2e.ts [--pods 1000] [--runs 5] [--keep]
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { collectSnapshot, diagnose, renderJson } from '@kubently/diagnosis';
import type { Finding, KubectlRun, Report } from '@kubently/diagnosis';
import { clusterTokenResponseSchema, diagnoseResponseSchema } from '@kubently/protocol';
import { loadScenario, Testbed } from '@kubently/testbed';

import { localKubectlRun } from '../../apps/cli/src/local/index.js';
import { buildExecutorConfig, start as startExecutor } from '../../apps/executor/src/index.js';
import { createConfig, start as startServer } from '../../apps/server/src/index.js';
import { diagnosisExpectations, rootsFor, touches } from '../../test/e2e/diagnosis-expectations.js';
import { benchLabel, benchWorkload } from './bench-workload.js';
import type { PlantedFault } from './bench-workload.js';

const { values } = parseArgs({
  options: {
    pods: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '5' },
    keep: { type: 'boolean', default: false },
    'settle-seconds': { type: 'string', default: '420' },
  },
});
const podTarget = Number(values.pods);
const runs = Math.max(1, Number(values.runs));
const settleMs = Number(values['settle-seconds']) * 1000;

const log = (line: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const median = (sorted: readonly number[]): number => {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
};
const ms = (value: number): string => (Number.isNaN(value) ? '–' : `${String(Math.round(value))} ms`);

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

interface Sample {
  readonly totalMs: number;
  readonly collectMs: number;
  readonly diagnoseMs: number;
  readonly commands: number;
  readonly bytes: number;
  readonly report: Report;
  readonly pods: number;
  readonly objects: number;
  /** Every kind was listed completely (no collection warning). */
  readonly complete: boolean;
  /** The five slowest kubectl lists of this run. */
  readonly slowest: readonly { args: string; ms: number; bytes: number; items: number }[];
}

const slowestOf = (
  commands: readonly { args: readonly string[]; ms: number; bytes: number; items: number }[],
): Sample['slowest'] =>
  [...commands]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 5)
    .map((command) => ({
      args: command.args.join(' '),
      ms: command.ms,
      bytes: command.bytes,
      items: command.items,
    }));

async function measureLocal(run: KubectlRun): Promise<Sample> {
  const started = performance.now();
  const { snapshot, collection } = await collectSnapshot({
    run,
    namespaces: 'all',
    signal: AbortSignal.timeout(120_000),
  });
  const collected = performance.now();
  const report = diagnose(snapshot);
  renderJson(report);
  const finished = performance.now();
  if (collection.warnings.length > 0)
    log(
      `collection warnings: ${collection.warnings.map((warning) => `${warning.kind}: ${warning.message}`).join('; ')}`,
    );
  return {
    totalMs: finished - started,
    collectMs: collected - started,
    diagnoseMs: finished - collected,
    commands: collection.commands.length,
    bytes: collection.commands.reduce((sum, command) => sum + command.bytes, 0),
    report,
    pods: snapshot.pods?.length ?? 0,
    objects: report.summary.objectsScanned,
    slowest: slowestOf(collection.commands),
    complete: collection.warnings.length === 0,
  };
}

/** The product path: one HTTP call; the server collects through the executor, diagnoses and answers JSON. */
async function measureRelay(url: string, apiKey: string, clusterId: string): Promise<Sample> {
  const started = performance.now();
  const response = await fetch(`${url}/v1/clusters/${clusterId}/diagnose`, {
    method: 'POST',
    headers: { 'x-api-key': apiKey },
    signal: AbortSignal.timeout(120_000),
  });
  const text = await response.text();
  if (response.status !== 200)
    throw new Error(
      `POST /v1/clusters/${clusterId}/diagnose answered ${String(response.status)}: ${text.slice(0, 500)}`,
    );
  const answer = diagnoseResponseSchema.parse(JSON.parse(text));
  const finished = performance.now();
  const { collection } = answer;
  if (collection.warnings.length > 0)
    log(
      `collection warnings: ${collection.warnings.map((warning) => `${warning.kind}: ${warning.message}`).join('; ')}`,
    );
  const report = answer as unknown as Report;
  return {
    totalMs: finished - started,
    collectMs: collection.durationMs,
    diagnoseMs: Number.NaN,
    commands: collection.commands.length,
    bytes: collection.commands.reduce((sum, command) => sum + command.bytes, 0),
    report,
    pods: Number.NaN,
    objects: report.summary.objectsScanned,
    slowest: slowestOf(collection.commands),
    complete: collection.warnings.length === 0,
  };
}

const sameResource = (finding: Finding, resource: PlantedFault['resource']): boolean =>
  finding.resource.kind === resource.kind &&
  finding.resource.namespace === resource.namespace &&
  finding.resource.name === resource.name;

function plantedOutcome(report: Report, fault: PlantedFault): 'root' | 'symptom' | 'missed' {
  const match = (finding: Finding): boolean =>
    finding.rule === fault.rule && sameResource(finding, fault.resource);
  if (report.findings.some(match)) return 'root';
  return report.symptoms.some(match) ? 'symptom' : 'missed';
}

const describeFinding = (finding: Finding | undefined): string =>
  finding === undefined
    ? '(none)'
    : `${finding.rule} on ${finding.resource.kind}/${finding.resource.name}: ${finding.summary}`.slice(
        0,
        110,
      );

async function scenarioRows(
  report: Report,
  names: readonly string[],
): Promise<{ rows: string[][]; ok: number }> {
  const rows: string[][] = [['scenario', 'expected (rule on culprit)', "Kubently's top root cause", 'match']];
  let ok = 0;
  for (const name of names) {
    const scenario = await loadScenario(name);
    const roots = rootsFor(report, name);
    if (name === 'healthy') {
      const touching = [...report.findings, ...report.symptoms].filter((finding) => touches(finding, name));
      const good = touching.length === 0;
      ok += good ? 1 : 0;
      rows.push([
        name,
        'no finding',
        good ? 'no finding' : describeFinding(touching[0]),
        good ? 'yes' : 'NO',
      ]);
      continue;
    }
    const expectation = diagnosisExpectations[name];
    const culprit = scenario.expected.culprit;
    const top = roots[0];
    const good =
      expectation !== undefined &&
      culprit !== null &&
      top !== undefined &&
      expectation.rules.includes(top.rule) &&
      sameResource(top, culprit) &&
      expectation.mentions.test(`${top.summary}\n${top.rootCause}`);
    ok += good ? 1 : 0;
    rows.push([
      name,
      `${expectation?.rules.join(' | ') ?? '?'} on ${culprit?.kind ?? '?'}/${culprit?.name ?? '?'}`,
      describeFinding(top),
      good ? 'yes' : 'NO',
    ]);
  }
  return { rows, ok };
}

interface BenchPodState {
  readonly total: number;
  readonly ready: number;
}

async function benchPods(testbed: Testbed): Promise<BenchPodState> {
  const out = await testbed.kubectlOk([
    'get',
    'pods',
    '-A',
    '-l',
    `${benchLabel}=healthy`,
    '-o',
    'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
  ]);
  const lines = out.split('\n').filter((line) => line !== '');
  return { total: lines.length, ready: lines.filter((line) => line === 'True').length };
}

function machine(): Record<string, string> {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  let nproc = String(cpus().length);
  try {
    nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    // nproc is coreutils; cpus() is the fallback.
  }
  return {
    nproc,
    cpu,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    load: loadavg()
      .map((value) => value.toFixed(2))
      .join(' '),
  };
}

async function main(): Promise<void> {
  const before = machine();
  const runDir = mkdtempSync(join(tmpdir(), 'kubently-bench-diagnosis-'));
  log(`starting a testbed in ${runDir}`);
  const testbed = await Testbed.start({ runDir, build: false, onLog: log, timeoutMs: 240_000 });
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const scenarios = await testbed.applyScenarios('all');
    const scenarioNames = scenarios.map((scenario) => scenario.name);
    log(`applied ${String(scenarioNames.length)} scenarios`);
    const workload = benchWorkload({ pods: podTarget, kubernetesVersion: testbed.state.kubernetesVersion });
    await testbed.kubectlOk(['create', '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: workload.nodes }),
    });
    await testbed.kubectlOk(['create', '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: workload.objects }),
    });
    log(
      `created ${String(workload.nodes.length)} bench nodes, ${String(workload.healthyDeployments)} healthy Deployments (${String(workload.healthyPods)} pods), ${String(workload.planted.length)} broken Deployments (${String(workload.brokenPods)} pods)`,
    );

    // The CLI's local mode (`kubently diagnose --kubeconfig`); a denied argv would be a failure result.
    const cliRun = localKubectlRun({
      kubectl: testbed.kubectlPath,
      kubeconfig: testbed.kubeconfig,
      env: { PATH: process.env['PATH'], HOME: process.env['HOME'] },
    });
    const local: KubectlRun = async (args, signal) => {
      const outcome = await cliRun(args, signal);
      if (outcome.type === 'failure' && outcome.code === 'policy_denied')
        throw new Error(`the collector produced a denied argv: ${args.join(' ')}: ${outcome.message}`);
      return outcome;
    };

    // Settled: every healthy pod Ready, and every planted fault diagnosed (crash loops need a
    // restart or two, so the first snapshots can legitimately miss some).
    const settleDeadline = Date.now() + settleMs;
    let settled = false;
    for (;;) {
      const pods = await benchPods(testbed);
      const sample = pods.ready >= workload.healthyPods ? await measureLocal(local) : undefined;
      const found =
        sample === undefined
          ? 0
          : workload.planted.filter((fault) => plantedOutcome(sample.report, fault) === 'root').length;
      log(
        `settling: ${String(pods.ready)}/${String(workload.healthyPods)} healthy pods Ready, planted faults found ${String(found)}/${String(workload.planted.length)}`,
      );
      if (sample !== undefined && found === workload.planted.length) {
        settled = true;
        break;
      }
      if (Date.now() > settleDeadline) break;
      await sleep(10_000);
    }
    if (!settled) log('not every planted fault was found before the settle deadline; measuring anyway');

    // Relay: the real server and executor in this process, kubectl through POST /v1/commands.
    const apiKey = randomBytes(24).toString('hex');
    const server = await startServer(
      createConfig({
        port: 0,
        apiKeys: [{ identity: 'bench', key: apiKey, role: 'admin' }],
        logLevel: 'warn',
        resultBodyLimitBytes: 256 * 1024 * 1024,
      }),
    );
    cleanups.push(() => server.close());
    const clusterId = 'bench';
    const added = await fetch(`${server.url}/v1/clusters`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ id: clusterId }),
    });
    const { token } = clusterTokenResponseSchema.parse(await added.json());
    const executor = await startExecutor(
      buildExecutorConfig(
        {
          apiUrl: server.url,
          clusterId,
          token,
          kubectl: testbed.kubectlPath,
          kubeconfig: testbed.kubeconfig,
          maxOutputBytes: 64 * 1024 * 1024,
          maxConcurrency: 8,
          logLevel: 'warn',
        },
        { PATH: process.env['PATH'], HOME: process.env['HOME'] },
      ),
    );
    cleanups.push(() => executor.close());
    for (let attempt = 0; ; attempt += 1) {
      const clusters = await fetch(`${server.url}/v1/clusters`, { headers: { 'x-api-key': apiKey } });
      const body = (await clusters.json()) as { clusters?: { id: string; connected: boolean }[] };
      if (body.clusters?.some((cluster) => cluster.id === clusterId && cluster.connected) === true) break;
      if (attempt > 60) throw new Error('the executor never connected');
      await sleep(500);
    }

    const modes: { name: string; measure: () => Promise<Sample> }[] = [
      { name: 'local (kubectl + kubeconfig)', measure: () => measureLocal(local) },
      {
        name: 'relay (POST /v1/clusters/:id/diagnose)',
        measure: () => measureRelay(server.url, apiKey, clusterId),
      },
    ];
    // What one small kubectl costs on this machine right now (process start, client setup, one request).
    const floor: number[] = [];
    for (let index = 0; index < 5; index += 1) {
      const begin = performance.now();
      await local(['get', 'namespaces', '-o', 'name'], AbortSignal.timeout(30_000));
      floor.push(performance.now() - begin);
    }
    floor.sort((a, b) => a - b);
    const results: { mode: string; samples: Sample[] }[] = [];
    for (const mode of modes) {
      await mode.measure(); // warm-up
      const samples: Sample[] = [];
      for (let index = 0; index < runs; index += 1) {
        samples.push(await mode.measure());
        log(`${mode.name} run ${String(index + 1)}: ${ms(samples.at(-1)?.totalMs ?? 0)}`);
      }
      results.push({ mode: mode.name, samples });
    }
    const after = machine();
    const last = results[0]?.samples.at(-1);
    if (last === undefined) throw new Error('no sample');
    // Recall is judged on what the product answers (the relay's report), from a run that listed
    // every kind: a run that lost a kind (a list that timed out) is counted in the timing table only.
    const lastComplete = (index: number): Sample | undefined =>
      results[index]?.samples.filter((sample) => sample.complete).at(-1);
    const judged = lastComplete(1) ?? lastComplete(0) ?? last;
    const productReport = judged.report;
    const rootIds = (report: Report): string =>
      report.findings
        .map((finding) => finding.id)
        .sort()
        .join(',');
    const agree = rootIds(productReport) === rootIds((lastComplete(0) ?? last).report);

    const out: string[] = [];
    out.push('# Diagnosis end to end (testbed, kwok nodes)');
    out.push(
      `nproc ${before['nproc'] ?? '?'} · ${before['cpu'] ?? '?'} · ${before['memory'] ?? '?'} · node ${before['node'] ?? '?'} · load average before ${before['load'] ?? '?'}, after ${after['load'] ?? '?'}`,
    );
    out.push(
      `cluster: ${String(last.pods)} pods (${String(workload.healthyPods)} healthy bench, ${String(workload.brokenPods)} broken bench, the rest from ${String(scenarioNames.length)} scenarios), ${String(last.objects)} objects in the snapshot, ${String(last.commands)} kubectl lists, ${(last.bytes / 2 ** 20).toFixed(1)} MiB of JSON; ${String(runs)} timed runs per mode after one warm-up\n`,
    );
    const timing: string[][] = [
      [
        'mode',
        'min',
        'median',
        'max',
        'collect (median)',
        'diagnose+render (median)',
        'root causes',
        'symptoms',
        'pods',
        'incomplete runs',
      ],
    ];
    for (const { mode, samples } of results) {
      const totals = samples.map((sample) => sample.totalMs).sort((a, b) => a - b);
      const collects = samples.map((sample) => sample.collectMs).sort((a, b) => a - b);
      const diagnoses = samples.map((sample) => sample.diagnoseMs).sort((a, b) => a - b);
      const final = samples.at(-1);
      timing.push([
        mode,
        ms(totals[0] ?? Number.NaN),
        ms(median(totals)),
        ms(totals.at(-1) ?? Number.NaN),
        ms(median(collects)),
        ms(median(diagnoses)),
        String(final?.report.summary.rootCauses ?? '?'),
        String(final?.report.summary.symptoms ?? '?'),
        String(Number.isNaN(final?.pods ?? Number.NaN) ? last.pods : (final?.pods ?? '?')),
        String(samples.filter((sample) => !sample.complete).length),
      ]);
    }
    out.push(table(timing));
    out.push(
      `\nlocal and relay reports ${agree ? 'name the same root causes (same ids)' : 'DIFFER in their root causes (the cluster changed between runs?)'}`,
    );

    out.push(
      `\none small \`kubectl get namespaces -o name\` right now: median ${ms(median(floor))} (min ${ms(floor[0] ?? Number.NaN)})`,
    );
    for (const { mode, samples } of results) {
      const final = samples.at(-1);
      if (final === undefined) continue;
      out.push(`\nslowest lists of the last ${mode} run:\n`);
      out.push(
        table([
          ['kubectl', 'ms', 'MiB', 'items'],
          ...final.slowest.map((command) => [
            command.args,
            String(Math.round(command.ms)),
            (command.bytes / 2 ** 20).toFixed(2),
            String(command.items),
          ]),
        ]),
      );
    }

    const plantedRows: string[][] = [
      ['planted fault', 'Deployments', 'pods', 'expected rule', 'found as root'],
    ];
    const kinds = [...new Set(workload.planted.map((fault) => fault.failure))];
    for (const failure of kinds) {
      const faults = workload.planted.filter((fault) => fault.failure === failure);
      const roots = faults.filter((fault) => plantedOutcome(productReport, fault) === 'root').length;
      plantedRows.push([
        failure,
        String(faults.length),
        String(faults.reduce((sum, fault) => sum + fault.pods, 0)),
        faults[0]?.rule ?? '?',
        `${String(roots)}/${String(faults.length)}`,
      ]);
    }
    out.push(`\n${table(plantedRows)}`);

    const scenarioResult = await scenarioRows(productReport, scenarioNames);
    out.push(
      `\nScenarios: ${String(scenarioResult.ok)}/${String(scenarioNames.length)} as expected (judged on a complete ${judged === lastComplete(1) ? 'relay' : 'local'} report)\n`,
    );
    out.push(table(scenarioResult.rows));
    process.stdout.write(`${out.join('\n')}\n`);

    const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));
    mkdirSync(resultsDir, { recursive: true });
    const file = join(resultsDir, `diagnosis-e2e-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(
      file,
      JSON.stringify(
        {
          machine: { before, after },
          workload: {
            healthyPods: workload.healthyPods,
            brokenPods: workload.brokenPods,
            planted: workload.planted,
          },
          results: results.map(({ mode, samples }) => ({
            mode,
            samples: samples.map(({ report, ...rest }) => ({
              ...rest,
              rootCauses: report.summary.rootCauses,
            })),
          })),
          scenarios: scenarioResult.rows,
        },
        null,
        2,
      ),
    );
    log(`wrote ${file}`);
  } finally {
    for (const cleanup of cleanups.reverse())
      await cleanup().catch((error: unknown) => {
        log(String(error));
      });
    if (values.keep) log(`kept the testbed running: ${runDir}`);
    else await testbed.stop();
  }
}

await main();
