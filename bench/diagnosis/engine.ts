/**
 * Times the diagnosis engine alone (no collection, no relay) on synthetic snapshots.
 * Run: npx tsx bench/diagnosis/engine.ts [--pods 1000,10000] [--runs 7]
 */
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  clusterSnapshotSchema,
  diagnose,
  renderJson,
  renderTable,
} from '../../packages/diagnosis/src/index.js';
import { syntheticSnapshot } from '../../packages/diagnosis/test/fixtures/synthetic-snapshot.js';

const { values } = parseArgs({
  options: {
    pods: { type: 'string', default: '1000,10000,20000' },
    runs: { type: 'string', default: '7' },
    broken: { type: 'string', default: '0.02' },
  },
});

const sizes = values.pods.split(',').map(Number);
const runs = Math.max(1, Number(values.runs));
const brokenRatio = Number(values.broken);

const percentile = (sorted: readonly number[], fraction: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;

const time = (work: () => unknown): number => {
  const start = performance.now();
  work();
  return performance.now() - start;
};

const cpu = cpus()[0];
console.log('# Diagnosis engine benchmark (engine alone, in-process)');
console.log(
  `node ${process.version} · ${process.platform}/${process.arch} · ${cpus().length} × ${cpu?.model ?? 'unknown CPU'} · ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM (${(freemem() / 2 ** 30).toFixed(1)} free) · load average ${loadavg()[0]?.toFixed(1) ?? '?'}`,
);
console.log(
  `${runs} timed runs per size after 1 warm-up; ${(brokenRatio * 100).toFixed(1)}% of deployments broken (6 failure kinds)\n`,
);

const rows: string[][] = [
  [
    'pods',
    'objects',
    'events',
    'roots',
    'symptoms',
    'parse ms',
    'diagnose min',
    'median',
    'p95',
    'render json+table ms',
    'heap MiB',
  ],
];
for (const pods of sizes) {
  const { snapshot } = syntheticSnapshot({ pods, brokenRatio });
  const raw = JSON.parse(JSON.stringify(snapshot)) as unknown;
  const parseMs = time(() => clusterSnapshotSchema.parse(raw));
  diagnose(snapshot);
  const samples: number[] = [];
  let report = diagnose(snapshot);
  for (let run = 0; run < runs; run += 1) {
    const start = performance.now();
    report = diagnose(snapshot);
    samples.push(performance.now() - start);
  }
  samples.sort((left, right) => left - right);
  const renderMs = time(() => {
    renderJson(report);
    renderTable(report, { color: false });
  });
  rows.push([
    String(snapshot.pods?.length ?? 0),
    String(report.summary.objectsScanned),
    String(snapshot.events?.length ?? 0),
    String(report.summary.rootCauses),
    String(report.summary.symptoms),
    parseMs.toFixed(1),
    (samples[0] ?? Number.NaN).toFixed(1),
    percentile(samples, 0.5).toFixed(1),
    percentile(samples, 0.95).toFixed(1),
    renderMs.toFixed(1),
    (process.memoryUsage().heapUsed / 2 ** 20).toFixed(0),
  ]);
}

const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
for (const [index, row] of rows.entries()) {
  console.log(`| ${row.map((cell, column) => cell.padStart(widths[column] ?? 0)).join(' | ')} |`);
  if (index === 0) console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
}
