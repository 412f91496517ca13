import { diagnoseResponseSchema } from '@kubently/protocol';
import type { DiagnoseResponse } from '@kubently/protocol';
import { run } from '@kubently/cli';
import { runKubectl } from '@kubently/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';

import { createTestIo } from '../../apps/cli/test/support/test-io.js';
import { startInProcessRelay } from './in-process-relay.js';
import type { InProcessRelay } from './in-process-relay.js';
import './testbed-context.js';

/**
 * `kubently diagnose --include posture` on the real testbed: a namespace of its own holds a node
 * agent (privileged, host network and PID, a hostPath) and an app with a credential in a plain env
 * value, `:latest`, no limits and the default ServiceAccount's token. Locally (real kubectl) and
 * through the relay (real server and executor), the posture findings appear only when included,
 * after every incident, and the credential's value appears nowhere in the output.
 */
const testbed = inject('testbed');
const namespace = 'posture-e2e';
const plainPassword = 'e2e-Fake-Pw-3f9a1c';

const manifests = `
apiVersion: v1
kind: Namespace
metadata: { name: ${namespace} }
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: node-agent, namespace: ${namespace} }
spec:
  selector: { matchLabels: { app: node-agent } }
  template:
    metadata: { labels: { app: node-agent } }
    spec:
      hostNetwork: true
      hostPID: true
      automountServiceAccountToken: false
      containers:
        - name: agent
          image: registry.example/node-agent:2.3.1
          resources: { limits: { cpu: 100m, memory: 64Mi } }
          securityContext: { privileged: true }
          volumeMounts: [{ name: kubelet, mountPath: /var/lib/kubelet, readOnly: true }]
      volumes:
        - name: kubelet
          hostPath: { path: /var/lib/kubelet, type: Directory }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: billing, namespace: ${namespace} }
spec:
  replicas: 1
  selector: { matchLabels: { app: billing } }
  template:
    metadata: { labels: { app: billing } }
    spec:
      containers:
        - name: billing
          image: registry.example/billing:latest
          env:
            - { name: LOG_LEVEL, value: info }
            - { name: DB_PASSWORD, value: ${plainPassword} }
`;

interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

const kubently = async (args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> => {
  const io = createTestIo({
    env: { PATH: `${testbed.binDir}:${process.env['PATH'] ?? ''}`, HOME: testbed.runDir, ...env },
  });
  const code = await run(['diagnose', ...args], io);
  return { code, out: io.out(), err: io.err() };
};

const parse = (result: CliResult): DiagnoseResponse | Omit<DiagnoseResponse, 'clusterId'> => {
  expect(result.code, result.err).toBe(0);
  return diagnoseResponseSchema.omit({ clusterId: true }).parse(JSON.parse(result.out));
};

const postureRules = (report: Omit<DiagnoseResponse, 'clusterId'>): string[] =>
  report.findings
    .filter((finding) => finding.category === 'posture')
    .map((finding) => `${finding.rule} ${finding.resource.kind}/${finding.resource.name}`)
    .sort();

const expected = [
  'posture-default-token-automount ServiceAccount/default',
  'posture-host-namespace DaemonSet/node-agent',
  'posture-host-path DaemonSet/node-agent',
  'posture-missing-limits Deployment/billing',
  'posture-mutable-image-tag Deployment/billing',
  'posture-privileged-container DaemonSet/node-agent',
  'posture-secret-in-env Deployment/billing',
];

const checkIncluded = (result: CliResult): void => {
  const report = parse(result);
  expect(postureRules(report)).toEqual(expected);
  const categories = report.findings.map((finding) => finding.category);
  const firstPosture = categories.indexOf('posture');
  expect(categories.slice(firstPosture).every((category) => category === 'posture')).toBe(true);
  expect(report.findings.every((f) => f.category === 'incident' || f.severity !== 'critical')).toBe(true);
  expect(report.summary.posture).toBe(expected.length);
  expect(result.out).toContain('DB_PASSWORD');
  expect(result.out).not.toContain(plainPassword);
};

beforeAll(async () => {
  const applied = await runKubectl(['apply', '-f', '-'], {
    kubectl: testbed.kubectl,
    kubeconfig: testbed.kubeconfig,
    input: manifests,
  });
  expect(applied.exitCode, applied.stderr).toBe(0);
});

afterAll(async () => {
  await runKubectl(['delete', 'namespace', namespace, '--wait=false'], {
    kubectl: testbed.kubectl,
    kubeconfig: testbed.kubeconfig,
  });
});

describe('kubently diagnose --include posture against the testbed', { timeout: 300_000 }, () => {
  const local = (args: readonly string[]): Promise<CliResult> =>
    kubently(['--kubeconfig', testbed.kubeconfig, '--kubectl', testbed.kubectl, '-n', namespace, ...args]);

  it('locally: no posture finding without --include, all seven with it', async () => {
    expect(postureRules(parse(await local(['-o', 'json'])))).toEqual([]);
    checkIncluded(await local(['-o', 'json', '--include', 'posture']));
    const table = await local(['--include', 'posture']);
    expect(table.out).toMatch(/-- security posture \(7\): weaknesses, not outages --/);
    expect(table.out).not.toContain(plainPassword);
  });

  describe('through the relay', () => {
    const adminKey = 'posture-e2e-admin-0123456789abcdef';
    let relayed: InProcessRelay;

    beforeAll(async () => {
      relayed = await startInProcessRelay(testbed, adminKey);
    });

    afterAll(async () => {
      await relayed.close();
    });

    const relay = (args: readonly string[]): Promise<CliResult> =>
      kubently(['testbed', '-n', namespace, '-o', 'json', ...args], {
        KUBENTLY_API_URL: relayed.server.url,
        KUBENTLY_API_KEY: adminKey,
        KUBENTLY_CONFIG_DIR: testbed.runDir,
      });

    it('the server reports posture only when the request includes it', async () => {
      expect(postureRules(parse(await relay([])))).toEqual([]);
      checkIncluded(await relay(['--include', 'posture']));
    });
  });
});
