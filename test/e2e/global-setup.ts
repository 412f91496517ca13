import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

import { Testbed } from '@kubently/testbed';

import type { TestbedContext } from './testbed-context.js';

/**
 * Starts one testbed for the whole e2e project: builds the binaries when the cache is missing
 * (`testbed/build.sh`; never skipped: a failed build fails the suite), starts the control plane
 * and kwok in a fresh run directory, applies every scenario, and stops it all at the end.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runDir = await mkdtemp(join(tmpdir(), 'kubently-e2e-testbed-'));
  const log = (line: string): void => {
    process.stderr.write(`[testbed] ${line}\n`);
  };
  const startedAt = Date.now();
  const testbed = await Testbed.start({ runDir, build: true, onLog: log, timeoutMs: 180_000 });
  log(`up in ${((Date.now() - startedAt) / 1000).toFixed(1)}s at ${testbed.state.server}`);
  // If the runner dies without calling the teardown, do not leave a cluster behind.
  const killOnExit = (): void => {
    testbed.killNow();
  };
  process.once('exit', killOnExit);
  let scenarios: Awaited<ReturnType<typeof testbed.applyScenarios>>;
  try {
    scenarios = await testbed.applyScenarios('all');
  } catch (error) {
    process.removeListener('exit', killOnExit);
    await testbed.stop();
    throw error;
  }
  const context: TestbedContext = {
    kubeconfig: testbed.kubeconfig,
    kubectl: testbed.kubectlPath,
    binDir: testbed.binDir,
    server: testbed.state.server,
    runDir,
    kubernetesVersion: testbed.state.kubernetesVersion,
    scenarios: scenarios.map((scenario) => scenario.name),
    scenariosAppliedAt: Date.now(),
  };
  project.provide('testbed', context);
  return async () => {
    process.removeListener('exit', killOnExit);
    await testbed.stop();
  };
}
