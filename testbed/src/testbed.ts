import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { componentOrder } from './component-args.js';
import type { ComponentName } from './component-args.js';
import { runKubectl } from './kubectl.js';
import type { KubectlResult } from './kubectl.js';
import { isRunning } from './process-control.js';
import { runLayout } from './run-layout.js';
import { listScenarioNames, loadScenario } from './scenario-catalog.js';
import type { Scenario } from './scenario-catalog.js';
import { startTestbed, stopAll } from './start-testbed.js';
import { checkSymptom } from './symptom-check.js';
import type { SymptomResult } from './symptom-check.js';
import type { Symptom } from './scenario-schema.js';
import type { StartOptions } from './start-testbed.js';
import { readState } from './state-file.js';
import type { TestbedState } from './state-file.js';
import { TestbedError } from './testbed-error.js';

export interface ComponentStatus {
  readonly name: ComponentName;
  readonly pid: number;
  readonly running: boolean;
  /** Resident set size in bytes (undefined when not running or not on Linux). */
  readonly rssBytes: number | undefined;
  readonly logFile: string;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A running testbed: a real control plane (etcd, kube-apiserver, kube-controller-manager,
 * kube-scheduler) plus kwok playing the kubelets of fake nodes. Processes are detached and tracked
 * in `<runDir>/state.json`, so another process can `attach` and `stop` it.
 */
export class Testbed {
  readonly state: TestbedState;

  private constructor(state: TestbedState) {
    this.state = state;
  }

  /** Starts a testbed in `options.runDir`; resolves once nodes are Ready and the default SA exists. */
  static async start(options: StartOptions): Promise<Testbed> {
    return new Testbed(await startTestbed(options));
  }

  /** The testbed recorded in `runDir`, or undefined when none was started there. */
  static async attach(runDir: string): Promise<Testbed | undefined> {
    const state = await readState(runLayout(runDir).stateFile);
    return state === undefined ? undefined : new Testbed(state);
  }

  get kubeconfig(): string {
    return this.state.kubeconfig;
  }

  get kubectlPath(): string {
    return join(this.state.binDir, 'kubectl');
  }

  get binDir(): string {
    return this.state.binDir;
  }

  /** Environment for a shell or a child process: KUBECONFIG and PATH with the testbed's kubectl first. */
  env(basePath: string | undefined): { KUBECONFIG: string; PATH: string } {
    return {
      KUBECONFIG: this.kubeconfig,
      PATH: basePath === undefined || basePath === '' ? this.binDir : `${this.binDir}:${basePath}`,
    };
  }

  /** Admin bearer token (from the kubeconfig the testbed wrote). */
  async adminToken(): Promise<string> {
    const text = await readFile(this.kubeconfig, 'utf8');
    const match = /token: (\S+)/.exec(text);
    if (match?.[1] === undefined) throw new TestbedError('not_running', `no token in ${this.kubeconfig}`);
    return match[1];
  }

  kubectl(
    args: readonly string[],
    options: { input?: string; signal?: AbortSignal } = {},
  ): Promise<KubectlResult> {
    return runKubectl(args, { kubectl: this.kubectlPath, kubeconfig: this.kubeconfig, ...options });
  }

  /** Like `kubectl`, but a non-zero exit throws `kubectl_failed` with stderr. */
  async kubectlOk(
    args: readonly string[],
    options: { input?: string; signal?: AbortSignal } = {},
  ): Promise<string> {
    const result = await this.kubectl(args, options);
    if (result.exitCode !== 0) {
      throw new TestbedError('kubectl_failed', `kubectl ${args.join(' ')} failed: ${result.stderr.trim()}`, {
        details: { exitCode: result.exitCode },
      });
    }
    return result.stdout;
  }

  async status(): Promise<ComponentStatus[]> {
    const statuses: ComponentStatus[] = [];
    for (const name of componentOrder) {
      const proc = this.state.processes[name];
      const running = await isRunning(proc.pid, proc.binary);
      statuses.push({
        name,
        pid: proc.pid,
        running,
        rssBytes: running ? await rssBytes(proc.pid) : undefined,
        logFile: proc.logFile,
      });
    }
    return statuses;
  }

  /** Applies scenarios (`all` or names); returns what was applied. */
  async applyScenarios(names: readonly string[] | 'all'): Promise<Scenario[]> {
    const scenarios = await resolveScenarios(names);
    await this.kubectlOk(['apply', ...scenarios.flatMap((scenario) => ['-f', scenario.manifests])]);
    return scenarios;
  }

  /** Deletes scenarios (their namespaces and cluster-scoped objects) without waiting. */
  async deleteScenarios(names: readonly string[] | 'all'): Promise<Scenario[]> {
    const scenarios = await resolveScenarios(names);
    await this.kubectlOk([
      'delete',
      '--ignore-not-found',
      '--wait=false',
      ...scenarios.flatMap((scenario) => ['-f', scenario.manifests]),
    ]);
    return scenarios;
  }

  /** Checks every symptom of a scenario once (scenarios take up to ~90 s to show all of them). */
  async verifyScenario(name: string): Promise<{ symptom: Symptom; result: SymptomResult }[]> {
    const scenario = await loadScenario(name);
    const kubectl = (args: readonly string[]): Promise<KubectlResult> => this.kubectl(args);
    const results: { symptom: Symptom; result: SymptomResult }[] = [];
    for (const symptom of scenario.expected.symptoms) {
      results.push({ symptom, result: await checkSymptom(kubectl, scenario.namespace, symptom) });
    }
    return results;
  }

  /**
   * SIGKILLs every component at once, synchronously: for `process.on('exit')` handlers, where no
   * asynchronous work runs. Prefer `stop`.
   */
  killNow(): void {
    for (const name of componentOrder) {
      const { pid } = this.state.processes[name];
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }

  /** Stops every component (kwok first, etcd last) and removes the run directory. */
  async stop(options: { sleep?: (ms: number) => Promise<void> } = {}): Promise<void> {
    const ordered = [...componentOrder].reverse().map((name) => this.state.processes[name]);
    await stopAll(ordered, options.sleep ?? defaultSleep);
    await rm(this.state.runDir, { recursive: true, force: true });
  }
}

async function resolveScenarios(names: readonly string[] | 'all'): Promise<Scenario[]> {
  const wanted = names === 'all' ? await listScenarioNames() : names;
  if (wanted.length === 0) throw new TestbedError('invalid_input', 'no scenario named; pass a name or `all`');
  return Promise.all(wanted.map((name) => loadScenario(name)));
}

async function rssBytes(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}
