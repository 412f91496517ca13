import type { ClusterGateway, KubectlRun, RunKubectlRequest } from '@kubently/agent';
import type { Report } from '@kubently/diagnosis';
import type { ClusterInfo } from '@kubently/protocol';

export function cluster(id: string, connected = true): ClusterInfo {
  return {
    id,
    createdAt: '2026-01-01T00:00:00.000Z',
    connected,
    executors: connected ? 1 : 0,
    lastSeenAt: connected ? '2026-01-01T00:00:00.000Z' : null,
    mode: 'readOnly',
    executorVersion: '0.1.0',
    kubectlVersion: 'v1.32.4',
    kubernetesVersion: 'v1.32.0',
  };
}

export function ok(stdout: string, stderr = '', exitCode = 0): KubectlRun {
  return { type: 'result', exitCode, stdout, stderr, truncated: false, redactions: 0, durationMs: 5 };
}

export interface FakeGatewayOptions {
  readonly clusters?: readonly ClusterInfo[];
  /** Answers a command; the argv joined with spaces is the usual key. */
  readonly kubectl?: (request: RunKubectlRequest) => KubectlRun | Promise<KubectlRun>;
  readonly report?: Report;
}

/** A scripted gateway that records every call the agent makes. */
export function fakeGateway(options: FakeGatewayOptions = {}) {
  const runs: RunKubectlRequest[] = [];
  const diagnoses: { clusterId: string; namespace?: string }[] = [];
  const gateway: ClusterGateway = {
    listClusters: () => Promise.resolve(options.clusters ?? [cluster('dev')]),
    runKubectl: async (request) => {
      runs.push(request);
      if (options.kubectl === undefined) return ok('');
      return options.kubectl(request);
    },
    ...(options.report === undefined
      ? {}
      : {
          diagnose: (request) => {
            diagnoses.push({
              clusterId: request.clusterId,
              ...(request.namespace === undefined ? {} : { namespace: request.namespace }),
            });
            return Promise.resolve(options.report as Report);
          },
        }),
  };
  return { gateway, runs, diagnoses };
}
