/**
 * Executor read path and kubectl cost (issue #15 items 1-3, #19 item 3), on a real control plane
 * (the testbed, kwok nodes) with ~`--pods` pods:
 * 1. what one kubectl call spends: process start (`version --client`), kubeconfig loading
 *    (`config view`), discovery with a fresh cache dir per call (a throw-away HOME) against the
 *    executor's persistent one, and printing (`get pods -A -o json` vs `-o name`), beside the same
 *    list read through the Kubernetes API (ApiReader);
 * 2. the diagnosis collector through the relay (in-process server + executor), whole cluster and
 *    one namespace, with the executor's read path and with kubectl only (KUBENTLY_READ_PATH=false).
 * Prints machine, load average, commit and two tables.
 *
 * Run (testbed binaries built: `bash testbed/build.sh`):
 *   npx tsx --conditions=kubently-source bench/readpath/run.ts [--pods 1000] [--runs 5] [--namespace image-pull-typo]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

import { collectSnapshot } from '@kubently/diagnosis';
import { Testbed } from '@kubently/testbed';

import { createLogger } from '../../apps/executor/src/logger.js';
import { openApiReader } from '../../apps/executor/src/reader/open-api-reader.js';
import { relayKubectlRun, relayListRead } from '../../apps/server/src/diagnosis/index.js';
import { benchWorkload } from '../diagnosis/bench-workload.js';
import { startInProcessRelay } from '../../test/e2e/in-process-relay.js';
import type { InProcessRelay } from '../../test/e2e/in-process-relay.js';

const { values } = parseArgs({
  options: {
    pods: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '5' },
    namespace: { type: 'string', default: 'image-pull-typo' },
  },
});
const runs = Math.max(1, Number(values.runs));
const log = (line: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};
const median = (samples: readonly number[]): number => {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
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

async function timeMedian(task: () => unknown): Promise<number> {
  const samples: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    await task();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

async function main(): Promise<void> {
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  const machine = `${cpus()[0]?.model ?? 'cpu'} x${String(cpus().length)}, node ${process.version}`;
  const loadBefore = loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
  const runDir = mkdtempSync(join(tmpdir(), 'kubently-bench-readpath-'));
  const testbed = await Testbed.start({ runDir, build: false, onLog: log, timeoutMs: 240_000 });
  const relays: InProcessRelay[] = [];
  try {
    await testbed.applyScenarios('all');
    const workload = benchWorkload({
      pods: Number(values.pods),
      kubernetesVersion: testbed.state.kubernetesVersion,
    });
    await testbed.kubectlOk(['create', '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: workload.nodes }),
    });
    await testbed.kubectlOk(['create', '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: workload.objects }),
    });
    log('waiting for the pods to exist');
    for (let attempt = 0; attempt < 120; attempt += 1) {
      const out = await testbed.kubectlOk(['get', 'pods', '-A', '-o', 'name']);
      if (out.split('\n').filter((line) => line !== '').length >= Number(values.pods)) break;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    const podCount = (await testbed.kubectlOk(['get', 'pods', '-A', '-o', 'name']))
      .split('\n')
      .filter(Boolean).length;

    // 1. One kubectl call, part by part.
    const home = mkdtempSync(join(tmpdir(), 'kubently-bench-home-'));
    const persistentCache = join(home, 'cache');
    const kubectl = (args: readonly string[], cacheDirectory: string): true => {
      const result = spawnSync(testbed.kubectlPath, [...args], {
        env: {
          PATH: process.env['PATH'] ?? '',
          HOME: home,
          KUBERC: 'off',
          KUBECACHEDIR: cacheDirectory,
          KUBECONFIG: testbed.kubeconfig,
        },
        maxBuffer: 512 * 1024 * 1024,
      });
      if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr.toString()}`);
      return true;
    };
    const fresh = (): string => mkdtempSync(join(tmpdir(), 'kubently-bench-cache-'));
    kubectl(['get', 'pods', '-n', 'default', '-o', 'name'], persistentCache);
    const reader = await openApiReader({
      kubectl: testbed.kubectlPath,
      env: { PATH: process.env['PATH'] ?? '', HOME: home, KUBERC: 'off', KUBECONFIG: testbed.kubeconfig },
      logger: createLogger('silent', { clusterId: 'bench', executorId: 'bench' }),
    });
    if (reader === null) throw new Error('the testbed kubeconfig should allow the read path');
    const apiList = async (): Promise<void> => {
      const outcome = await reader.read(
        { group: '', version: 'v1', resource: 'pods' },
        { signal: new AbortController().signal, maxBytes: 512 * 1024 * 1024, timeoutMs: 60_000 },
      );
      if (outcome.type !== 'list') throw new Error(`read failed: ${outcome.type}`);
    };
    const callRows: string[][] = [['step', 'median']];
    callRows.push([
      'process start: kubectl version --client',
      ms(await timeMedian(() => kubectl(['version', '--client', '-o', 'json'], persistentCache))),
    ]);
    callRows.push([
      '+ kubeconfig: kubectl config view --minify',
      ms(await timeMedian(() => kubectl(['config', 'view', '--minify', '-o', 'json'], persistentCache))),
    ]);
    callRows.push([
      'get pods -n default -o name, fresh cache dir (discovery every call)',
      ms(await timeMedian(() => kubectl(['get', 'pods', '-n', 'default', '-o', 'name'], fresh()))),
    ]);
    callRows.push([
      'get pods -n default -o name, persistent cache dir',
      ms(await timeMedian(() => kubectl(['get', 'pods', '-n', 'default', '-o', 'name'], persistentCache))),
    ]);
    callRows.push([
      `get pods -A -o name (${String(podCount)} pods)`,
      ms(await timeMedian(() => kubectl(['get', 'pods', '-A', '-o', 'name'], persistentCache))),
    ]);
    callRows.push([
      `get pods -A -o json (${String(podCount)} pods)`,
      ms(await timeMedian(() => kubectl(['get', 'pods', '-A', '-o', 'json'], persistentCache))),
    ]);
    callRows.push([
      `read path: list pods, all namespaces (${String(podCount)} pods)`,
      ms(await timeMedian(apiList)),
    ]);
    reader.close();
    rmSync(home, { recursive: true, force: true });

    // 2. The collector through the relay, read path against kubectl only.
    const adminKey = 'bench-readpath-admin-0123456789abcdef';
    const context = {
      kubeconfig: testbed.kubeconfig,
      kubectl: testbed.kubectlPath,
      binDir: join(testbed.kubectlPath, '..'),
      server: '',
      runDir,
      kubernetesVersion: testbed.state.kubernetesVersion,
      scenarios: [],
      scenariosAppliedAt: 0,
    };
    const viaRead = await startInProcessRelay(context, adminKey);
    relays.push(viaRead);
    const viaKubectl = await startInProcessRelay(context, `${adminKey}-k`, { executor: { readPath: false } });
    relays.push(viaKubectl);
    for (
      let attempt = 0;
      attempt < 200 && !(await viaRead.server.services.clusters.offersRead(viaRead.clusterId));
      attempt += 1
    )
      await new Promise((resolve) => setTimeout(resolve, 50));
    const collect = async (
      relay: InProcessRelay,
      useRead: boolean,
      namespaces: 'all' | readonly string[],
    ) => {
      const options = {
        commands: relay.server.services.commands,
        clusterId: relay.clusterId,
        caller: { identity: 'bench', role: 'admin' as const },
        correlationId: 'bench-readpath',
        timeoutSeconds: 60,
      };
      const collected = await collectSnapshot({
        run: relayKubectlRun(options),
        ...(useRead ? { read: relayListRead(options) } : {}),
        namespaces,
        signal: new AbortController().signal,
        concurrency: 6,
      });
      if (collected.collection.missing.length > 0)
        log(`missing kinds: ${collected.collection.missing.join(', ')}`);
      return collected;
    };
    const collectRows: string[][] = [['scope', 'path', 'median', 'requests']];
    for (const scope of ['all', [values.namespace]] as const) {
      for (const [label, relay, useRead] of [
        ['kubectl (no read path)', viaKubectl, false],
        ['executor read path', viaRead, true],
      ] as const) {
        const { collection } = await collect(relay, useRead, scope);
        const time = await timeMedian(() => collect(relay, useRead, scope));
        collectRows.push([
          scope === 'all' ? `whole cluster (${String(podCount)} pods)` : `-n ${values.namespace}`,
          label,
          ms(time),
          String(collection.commands.length),
        ]);
      }
    }

    const loadAfter = loadavg()
      .map((value) => value.toFixed(2))
      .join(' ');
    process.stdout.write(
      [
        `machine: ${machine}; load average before ${loadBefore}, after ${loadAfter}; commit ${commit}; ${String(runs)} runs each, median`,
        '',
        table(callRows),
        '',
        table(collectRows),
        '',
      ].join('\n'),
    );
  } finally {
    for (const relay of relays) await relay.close();
    await testbed.stop();
    rmSync(runDir, { recursive: true, force: true });
  }
}

await main();
