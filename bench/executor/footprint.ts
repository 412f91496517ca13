/**
 * Executor footprint (`npx tsx bench/executor/footprint.ts`, after `npm run build`): the built server
 * (memory backend) and two built executors, one per transport (SSE stream and long-poll), each for
 * its own cluster. Measures each executor process from /proc: RSS (VmRSS, sampled every second) and
 * CPU (utime + stime; the kubectl children's CPU apart, from cutime + cstime) while idle, then under
 * load (N callers running `POST /v1/commands` in a closed loop against that executor's cluster).
 *
 * kubectl is a /bin/sh stand-in that echoes its argv (set through the executor's documented
 * KUBENTLY_KUBECTL), so the children's column is process spawning, not a cluster's API. Flags: --idle S (60), --load S (20),
 * --callers N (8), --concurrency N (executor KUBENTLY_MAX_CONCURRENCY, 4).
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

import { startExecutor, startServer } from '../../test/integration/support/kubently.js';
import type { Spawned } from '../../test/integration/support/processes.js';
import { stopAll } from '../../test/integration/support/processes.js';
import { postCommand } from '../relay/bench-http.js';
import { benchCommit, machineLine } from '../relay/bench-machine.js';

const { values } = parseArgs({
  options: {
    idle: { type: 'string', default: '60' },
    load: { type: 'string', default: '20' },
    callers: { type: 'string', default: '8' },
    concurrency: { type: 'string', default: '4' },
  },
});
const idleSeconds = Number(values.idle);
const loadSeconds = Number(values.load);
const callers = Number(values.callers);
const root = fileURLToPath(new URL('../../', import.meta.url));
const clockTicksPerSecond = 100;
const transports = ['sse', 'poll'] as const;
type Transport = (typeof transports)[number];

interface Sample {
  /** utime + stime, ms. */
  self: number;
  /** cutime + cstime of waited-for children (kubectl), ms. */
  children: number;
}

const cpuOf = (pid: number): Sample => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ms = (index: number): number => (Number(fields[index]) * 1000) / clockTicksPerSecond;
  return { self: ms(11) + ms(12), children: ms(13) + ms(14) };
};

const rssMiB = (pid: number): number => {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match?.[1] === undefined ? Number.NaN : Number(match[1]) / 1024;
};

interface Row {
  transport: Transport;
  phase: 'idle' | 'load';
  seconds: number;
  commands: number;
  errors: number;
  cpuCores: number;
  childrenCpuCores: number;
  rssAvgMiB: number;
  rssMaxMiB: number;
  loadAverage: string;
}

/** Samples RSS every second while `work` runs; CPU as the delta over the whole window. */
async function window(
  executor: Spawned,
  transport: Transport,
  phase: Row['phase'],
  work: () => Promise<{ commands: number; errors: number }>,
): Promise<Row> {
  const rss: number[] = [rssMiB(executor.pid)];
  const before = cpuOf(executor.pid);
  const started = performance.now();
  const stop = new AbortController();
  const sampling = (async () => {
    while (!stop.signal.aborted) {
      await sleep(1000);
      rss.push(rssMiB(executor.pid));
    }
  })();
  const done = await work();
  stop.abort();
  await sampling;
  const seconds = (performance.now() - started) / 1000;
  const after = cpuOf(executor.pid);
  return {
    transport,
    phase,
    seconds,
    ...done,
    cpuCores: (after.self - before.self) / 1000 / seconds,
    childrenCpuCores: (after.children - before.children) / 1000 / seconds,
    rssAvgMiB: rss.reduce((sum, value) => sum + value, 0) / rss.length,
    rssMaxMiB: Math.max(...rss),
    loadAverage: loadavg()
      .map((v) => v.toFixed(2))
      .join(' '),
  };
}

/**
 * The kubectl stand-in: a shell script that answers the executor's start-up probe (`config view
 * --minify -o json`, which must name an API server) and echoes every other argv, like /bin/echo.
 * Nothing ever dials the server it names.
 */
const standInDir = mkdtempSync(join(tmpdir(), 'kubently-footprint-'));
const kubectl = join(standInDir, 'kubectl');
writeFileSync(
  kubectl,
  [
    '#!/bin/sh',
    'if [ "$1" = config ]; then',
    `  echo '{"clusters":[{"cluster":{"server":"https://127.0.0.1:9"}}],"contexts":[{"context":{"namespace":"default"}}]}'`,
    '  exit 0',
    'fi',
    'echo "$@"',
    '',
  ].join('\n'),
);
chmodSync(kubectl, 0o755);

const header = machineLine();
const rows: Row[] = [];
const agent = new Agent({ keepAlive: true, maxSockets: callers + 2 });
try {
  const server = await startServer({
    KUBENTLY_LOG_LEVEL: 'warn',
    KUBENTLY_MAX_COMMANDS_IN_FLIGHT_PER_IDENTITY: '10000',
  });
  const executors = new Map<Transport, Spawned>();
  for (const transport of transports) {
    const clusterId = `footprint-${transport}`;
    const token = await server.api.addCluster(clusterId);
    const executor = startExecutor({
      apiUrl: server.url,
      clusterId,
      token,
      kubectl: { path: kubectl, logFile: '', invocations: () => [] },
      env: {
        LOG_LEVEL: 'warn',
        KUBENTLY_TRANSPORT: transport,
        KUBENTLY_MAX_CONCURRENCY: values.concurrency,
      },
    });
    try {
      await server.api.waitForExecutors(clusterId);
    } catch (error) {
      throw new Error(`the ${transport} executor did not connect:\n${executor.output()}`, { cause: error });
    }
    executors.set(transport, executor);
  }
  // Let start-up work (the first cluster check, JIT warm-up) settle before the idle window.
  await sleep(5000);
  const idle = await Promise.all(
    transports.map((transport) => {
      const executor = executors.get(transport);
      if (executor === undefined) throw new Error(`no ${transport} executor`);
      return window(executor, transport, 'idle', async () => {
        await sleep(idleSeconds * 1000);
        return { commands: 0, errors: 0 };
      });
    }),
  );
  rows.push(...idle);
  for (const transport of transports) {
    const executor = executors.get(transport);
    if (executor === undefined) throw new Error(`no ${transport} executor`);
    const clusterId = `footprint-${transport}`;
    rows.push(
      await window(executor, transport, 'load', async () => {
        let commands = 0;
        let errors = 0;
        const deadline = performance.now() + loadSeconds * 1000;
        await Promise.all(
          Array.from({ length: callers }, async (_, caller) => {
            for (let index = 0; performance.now() < deadline; index += 1) {
              const ok = await postCommand(agent, server.url, server.api.key ?? '', {
                clusterId,
                args: ['get', 'pods', `load-${caller}-${index}`],
              });
              if (ok) commands += 1;
              else errors += 1;
            }
          }),
        );
        return { commands, errors };
      }),
    );
  }
} finally {
  await stopAll();
  agent.destroy();
  rmSync(standInDir, { recursive: true, force: true });
}

const fixed = (value: number, digits = 2): string => value.toFixed(digits);
console.log(`\nKubently executor footprint - ${new Date().toISOString()}`);
console.log(
  `${header}; commit ${benchCommit(root)}; kubectl = sh stand-in (echo); callers under load ${callers}\n`,
);
console.log(
  '| transport | phase | s | commands | commands/s | errors | executor CPU (cores) | kubectl children CPU (cores) | RSS avg MiB | RSS max MiB | load average after |',
);
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
for (const r of rows) {
  console.log(
    `| ${r.transport} | ${r.phase} | ${fixed(r.seconds, 1)} | ${r.commands} | ${fixed(r.commands / r.seconds, 0)} | ${r.errors} | ${fixed(r.cpuCores, 3)} | ${fixed(r.childrenCpuCores, 3)} | ${fixed(r.rssAvgMiB, 1)} | ${fixed(r.rssMaxMiB, 1)} | ${r.loadAverage} |`,
  );
}
console.log('\ngoals: RSS < 100 MiB, CPU < 0.1 core idle');
const dir = `${root}bench/results`;
mkdirSync(dir, { recursive: true });
const file = `${dir}/executor-footprint-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
writeFileSync(file, `${JSON.stringify({ benchmark: 'executor-footprint', header, rows }, null, 2)}\n`);
console.log(`wrote ${file}`);
