/**
 * Dashboard bundle size and first load time. Reads the build in apps/server/dist/ui (run `npm run
 * build` first), then starts a server and loads /ui in Debian's Chromium: a cold load (new browser
 * context, empty cache) side by side with a warm one (same context, hashed assets cached), each
 * until the sign-in form shows, and signed in until the clusters table shows. Prints a table and
 * writes JSON to bench/results/.
 *
 *   npx tsx bench/dashboard/run.ts [--runs N]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { brotliCompressSync, gzipSync } from 'node:zlib';

import { pino } from 'pino';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';

import { createConfig, start } from '@kubently/server';

const root = fileURLToPath(new URL('../../', import.meta.url));
const uiDirectory = join(root, 'apps/server/dist/ui');
const key = 'bench-admin-key-0123456789abcdef';

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

const bundle = () => {
  const files = ['index.html', ...readdirSync(join(uiDirectory, 'assets')).map((name) => `assets/${name}`)];
  return files.map((file) => {
    const content = readFileSync(join(uiDirectory, file));
    return {
      file,
      bytes: statSync(join(uiDirectory, file)).size,
      gzip: gzipSync(content, { level: 9 }).length,
      brotli: brotliCompressSync(content).length,
    };
  });
};

/** Milliseconds from navigation start until the sign-in field, then until the clusters table after signing in. */
const load = async (context: BrowserContext, url: string): Promise<{ signIn: number; clusters: number }> => {
  const page = await context.newPage();
  const started = performance.now();
  await page.goto(`${url}/ui/`);
  await page.getByLabel('API key or OIDC token').waitFor();
  const signIn = performance.now() - started;
  await page.getByLabel('API key or OIDC token').fill(key);
  const submitted = performance.now();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('No cluster is registered', { exact: false }).waitFor();
  const clusters = performance.now() - submitted;
  await page.evaluate('sessionStorage.clear()');
  await page.close();
  return { signIn, clusters };
};

const main = async (): Promise<number> => {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
  const runs = Number.parseInt(values.runs, 10);
  if (!Number.isSafeInteger(runs) || runs <= 0) {
    process.stderr.write('usage: npx tsx bench/dashboard/run.ts [--runs N] (N > 0)\n');
    return 2;
  }
  const files = bundle();
  const server = await start(
    createConfig({
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
      apiKeys: [{ identity: 'bench', key, role: 'admin' }],
    }),
    { logger: pino({ level: 'silent' }) },
  );
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  const cold: { signIn: number; clusters: number }[] = [];
  const warm: { signIn: number; clusters: number }[] = [];
  try {
    for (let run = 0; run < runs; run += 1) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      cold.push(await load(context, server.url));
      warm.push(await load(context, server.url));
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
    cwd: root,
    encoding: 'utf8',
  }).trim();
  const machine = `${availableParallelism()} cpu (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`;
  const load1 = loadavg()[0]?.toFixed(2) ?? '?';
  const total = files.reduce(
    (sum, file) => ({
      bytes: sum.bytes + file.bytes,
      gzip: sum.gzip + file.gzip,
      brotli: sum.brotli + file.brotli,
    }),
    { bytes: 0, gzip: 0, brotli: 0 },
  );
  const rows: [string, string][] = [
    ['machine', machine],
    ['load average (1 min)', load1],
    ['commit', commit],
    ...files.map((file): [string, string] => [
      file.file,
      `${kib(file.bytes)} raw, ${kib(file.gzip)} gzip, ${kib(file.brotli)} brotli`,
    ]),
    ['total', `${kib(total.bytes)} raw, ${kib(total.gzip)} gzip, ${kib(total.brotli)} brotli`],
    ['runs', String(runs)],
    [
      'sign-in form shown (cold | warm cache)',
      `${median(cold.map((run) => run.signIn)).toFixed(0)} ms | ${median(warm.map((run) => run.signIn)).toFixed(0)} ms (median)`,
    ],
    [
      'sign-in to clusters page (cold | warm)',
      `${median(cold.map((run) => run.clusters)).toFixed(0)} ms | ${median(warm.map((run) => run.clusters)).toFixed(0)} ms (median)`,
    ],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  process.stdout.write(`${rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n')}\n`);
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(
    join(root, 'bench/results/dashboard.json'),
    `${JSON.stringify({ machine, loadAverage: load1, commit, files, total, cold, warm }, null, 2)}\n`,
  );
  return 0;
};

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
