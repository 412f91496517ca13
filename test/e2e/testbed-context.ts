/** What the e2e global setup hands to every e2e test file through vitest's provide/inject. */
export interface TestbedContext {
  readonly kubeconfig: string;
  /** Absolute path of the testbed's kubectl. */
  readonly kubectl: string;
  /** Directory with kubectl and the control-plane binaries (prepend to PATH for child processes). */
  readonly binDir: string;
  readonly server: string;
  readonly runDir: string;
  readonly kubernetesVersion: string;
  /** Scenarios applied by the setup (all of them), in the namespace named after each. */
  readonly scenarios: readonly string[];
  /** Epoch ms when the scenarios were applied; symptoms need up to ~2 minutes to all show. */
  readonly scenariosAppliedAt: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    testbed: TestbedContext;
  }
}
