import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { readBinariesManifest, resolveBinDir } from './bin-dir.js';
import {
  apiserverArgs,
  componentOrder,
  controllerManagerArgs,
  etcdArgs,
  kwokArgs,
  schedulerArgs,
} from './component-args.js';
import type { ComponentName, Ports } from './component-args.js';
import { prepareContainerLogs } from './container-logs.js';
import { fakeNodes } from './fake-nodes.js';
import { freePorts } from './free-ports.js';
import { probe } from './http-probe.js';
import { renderKubeconfig } from './kubeconfig.js';
import { runKubectl } from './kubectl.js';
import { stagesFile as defaultStagesFile } from './paths.js';
import { isRunning, spawnComponent, stopComponent, tailFile } from './process-control.js';
import type { SpawnedProcess } from './process-control.js';
import { runLayout } from './run-layout.js';
import type { RunLayout } from './run-layout.js';
import { loadAllScenarios } from './scenario-catalog.js';
import { generateSecrets, tokenAuthLine } from './secrets.js';
import { readState, writeState } from './state-file.js';
import type { TestbedState } from './state-file.js';
import { TestbedError } from './testbed-error.js';

export interface StartOptions {
  readonly runDir: string;
  /** Fake nodes created at start (default 3: two workers and a tainted GPU node). */
  readonly nodes?: number;
  /** Skip the cache lookup and use these binaries. */
  readonly binDir?: string;
  /** Run `testbed/build.sh` when the cache is incomplete (default true). */
  readonly build?: boolean;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly stagesFile?: string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly onLog?: (line: string) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => Date;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok; see Testbed.start. */
export async function startTestbed(options: StartOptions): Promise<TestbedState> {
  const env = options.env ?? process.env;
  const onLog = options.onLog ?? ((): void => undefined);
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? ((): Date => new Date());
  const layout = runLayout(options.runDir);

  const existing = await readState(layout.stateFile);
  if (existing !== undefined) {
    const alive = await isRunning(
      existing.processes['kube-apiserver'].pid,
      existing.processes['kube-apiserver'].binary,
    );
    if (alive) {
      throw new TestbedError(
        'already_running',
        `a testbed is already running from ${layout.runDir} (${existing.server}); run \`npm run testbed -- down\` first`,
      );
    }
    await stopAll(
      [...componentOrder].reverse().map((name) => existing.processes[name]),
      sleep,
    );
  }
  await rm(layout.runDir, { recursive: true, force: true });

  const binDir =
    options.binDir ??
    (await resolveBinDir({
      build: options.build ?? true,
      env,
      onLog,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    }));
  const manifest = await readBinariesManifest(binDir);
  const bin = (name: string): string => join(binDir, name);

  await mkdir(layout.runDir, { recursive: true, mode: 0o700 });
  await chmod(layout.runDir, 0o700);
  for (const dir of [layout.logsDir, layout.pkiDir, layout.containerLogsDir]) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  }
  const secrets = generateSecrets();
  await writeFile(layout.tokensFile, tokenAuthLine(secrets.adminToken, 'testbed-admin', ['system:masters']), {
    mode: 0o600,
  });
  await writeFile(layout.serviceAccountKey, secrets.serviceAccountPrivateKey, { mode: 0o600 });
  await writeFile(layout.serviceAccountPublicKey, secrets.serviceAccountPublicKey, { mode: 0o600 });

  const [etcdClient, etcdPeer, apiserver, kwok] = await freePorts(4);
  if (etcdClient === undefined || etcdPeer === undefined || apiserver === undefined || kwok === undefined) {
    throw new TestbedError('component_failed', 'could not reserve four loopback ports');
  }
  const ports: Ports = { etcdClient, etcdPeer, apiserver, kwok };
  const server = `https://127.0.0.1:${apiserver}`;
  const started = new Map<ComponentName, SpawnedProcess>();
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  // Components inherit only what they need; a developer's KUBECONFIG must not leak in.
  const componentEnv = { PATH: env['PATH'], HOME: layout.runDir, TMPDIR: layout.runDir };

  const launch = (name: ComponentName, args: string[]): void => {
    onLog(`starting ${name}`);
    started.set(name, spawnComponent(bin(name), args, join(layout.logsDir, `${name}.log`), componentEnv));
  };
  const waitUntil = async (what: string, check: () => Promise<boolean>): Promise<void> => {
    for (;;) {
      options.signal?.throwIfAborted();
      for (const [name, proc] of started) {
        if (!(await isRunning(proc.pid, proc.binary))) {
          throw new TestbedError('component_failed', `${name} exited while waiting for ${what}`, {
            details: { component: name, log: proc.logFile, tail: await tailFile(proc.logFile) },
          });
        }
      }
      if (await check().catch(() => false)) return;
      if (Date.now() > deadline) {
        throw new TestbedError('timeout', `timed out waiting for ${what}`, {
          details: { runDir: layout.runDir },
        });
      }
      await sleep(250);
    }
  };

  try {
    launch('etcd', etcdArgs(layout, ports));
    await waitUntil('etcd health', async () => {
      const res = await probe(`http://127.0.0.1:${ports.etcdClient}/health`);
      return res.status === 200 && res.body.includes('"health":"true"');
    });

    launch('kube-apiserver', apiserverArgs(layout, ports));
    await waitUntil('kube-apiserver /readyz', async () => (await probe(`${server}/readyz`)).status === 200);
    const caPem = await readFile(layout.servingCert, 'utf8');
    await writeFile(
      layout.kubeconfig,
      renderKubeconfig({ name: 'kubently-testbed', server, caPem, token: secrets.adminToken }),
      { mode: 0o600 },
    );

    launch('kube-controller-manager', controllerManagerArgs(layout));
    launch('kube-scheduler', schedulerArgs(layout));
    const scenarios = await loadAllScenarios();
    await writeFile(
      layout.kwokLogsConfig,
      await prepareContainerLogs(layout.containerLogsDir, scenarios, now()),
    );
    launch('kwok', kwokArgs(layout, ports, options.stagesFile ?? defaultStagesFile));

    const kubectl = (args: string[], input?: string): ReturnType<typeof runKubectl> =>
      runKubectl(args, {
        kubectl: bin('kubectl'),
        kubeconfig: layout.kubeconfig,
        ...(input === undefined ? {} : { input }),
      });
    const nodes = fakeNodes(options.nodes ?? 3, manifest.kubernetes);
    const created = await kubectl(
      ['create', '-f', '-'],
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: nodes }),
    );
    if (created.exitCode !== 0) {
      throw new TestbedError('kubectl_failed', `creating the fake nodes failed: ${created.stderr.trim()}`);
    }
    const nodeNames = nodes.map((node) => node.metadata.name);
    await waitUntil('all nodes Ready', async () => {
      const res = await kubectl([
        'get',
        'nodes',
        '-o',
        'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
      ]);
      const ready = new Set(
        res.stdout
          .split('\n')
          .filter((line) => line.endsWith('=True'))
          .map((line) => line.slice(0, -'=True'.length)),
      );
      return nodeNames.every((name) => ready.has(name));
    });
    await waitUntil('the default ServiceAccount', async () => {
      const res = await kubectl(['get', 'serviceaccount', 'default', '-n', 'default', '-o', 'name']);
      return res.exitCode === 0;
    });

    const processes = Object.fromEntries(started) as TestbedState['processes'];
    const state: TestbedState = {
      version: 1,
      runDir: layout.runDir,
      binDir,
      kubeconfig: layout.kubeconfig,
      server,
      kubernetesVersion: manifest.kubernetes,
      startedAt: now().toISOString(),
      nodes: nodeNames,
      ports,
      processes,
    };
    await writeState(layout.stateFile, state);
    return state;
  } catch (error) {
    const tails = await describeFailure(layout, started);
    await stopAll([...started.values()].reverse(), sleep);
    if (error instanceof TestbedError) {
      throw new TestbedError(error.code, `${error.message}\n${tails}`, {
        details: error.details,
        cause: error,
      });
    }
    throw new TestbedError('component_failed', `testbed start failed: ${String(error)}\n${tails}`, {
      cause: error,
    });
  }
}

async function describeFailure(
  layout: RunLayout,
  started: Map<ComponentName, SpawnedProcess>,
): Promise<string> {
  const parts: string[] = [`logs are kept in ${layout.logsDir}`];
  for (const [name, proc] of started) {
    const tail = await tailFile(proc.logFile, 8);
    if (tail !== '') parts.push(`--- ${name} (${proc.logFile}) ---\n${tail}`);
  }
  return parts.join('\n');
}

export async function stopAll(
  processes: readonly SpawnedProcess[],
  sleep: (ms: number) => Promise<void>,
): Promise<void> {
  for (const proc of processes) await stopComponent(proc, { graceMs: 10_000, sleep });
}
