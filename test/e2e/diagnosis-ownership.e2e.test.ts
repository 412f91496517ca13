import { collectSnapshot, diagnose } from '@kubently/diagnosis';
import type { Finding, Report } from '@kubently/diagnosis';
import { checkSymptom, loadScenario, runKubectl } from '@kubently/testbed';
import { describe, expect, inject, it } from 'vitest';

import { localKubectlRun } from '../../apps/cli/src/local/index.js';
import { rootsFor, touches } from './diagnosis-expectations.js';
import './testbed-context.js';

/**
 * Ownership on the real testbed: where one object's mistake breaks several things, the report for
 * that namespace has exactly one critical root cause, and every other finding there hangs under it
 * (the testbed has no IngressClass, so the Ingress's missing class is a true, separate warning) (diagnosis-scenarios.e2e.test.ts checks only which root comes first).
 */
const testbed = inject('testbed');
const run = localKubectlRun({
  kubectl: testbed.kubectl,
  kubeconfig: testbed.kubeconfig,
  env: { PATH: process.env['PATH'], HOME: testbed.runDir },
});
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const owned: readonly { scenario: string; root: string; symptoms: readonly string[] }[] = [
  {
    scenario: 'statefulset-missing-service',
    root: 'statefulset-unavailable StatefulSet/db',
    // The replica that cannot resolve its own DNS name crash-loops; the set is short of replicas.
    symptoms: ['container-crash-loop StatefulSet/db'],
  },
  {
    scenario: 'ingress-scaled-to-zero',
    root: 'workload-scaled-to-zero Deployment/storefront',
    symptoms: ['service-no-endpoints Service/storefront', 'ingress-backend Ingress/storefront'],
  },
];

const key = (finding: Finding): string => `${finding.rule} ${finding.resource.kind}/${finding.resource.name}`;

/** Every finding touching the namespace, and whether it descends from `rootId`. */
const ownedBy = (
  report: Report,
  namespace: string,
  rootId: string,
): { finding: string; owned: boolean }[] => {
  const byId = new Map([...report.findings, ...report.symptoms].map((finding) => [finding.id, finding]));
  const descends = (finding: Finding, seen = new Set<string>()): boolean =>
    finding.id === rootId ||
    finding.causedBy.some((id) => {
      if (seen.has(id)) return false;
      seen.add(id);
      const cause = byId.get(id);
      return cause !== undefined && descends(cause, seen);
    });
  return [...byId.values()]
    .filter((finding) => touches(finding, namespace))
    .map((finding) => ({ finding: key(finding), owned: descends(finding) }));
};

describe('one root cause owns what it breaks (real testbed)', { timeout: 400_000 }, () => {
  it.each(owned.map((item) => [item.scenario, item]))('%s', async (_name, item) => {
    const scenario = await loadScenario(item.scenario);
    const deadline = Math.max(Date.now() + 60_000, testbed.scenariosAppliedAt + 240_000);
    const kubectl = (args: readonly string[]) =>
      runKubectl(args, { kubectl: testbed.kubectl, kubeconfig: testbed.kubeconfig });
    let observed = '';
    for (;;) {
      const shown = await Promise.all(
        scenario.expected.symptoms.map((symptom) => checkSymptom(kubectl, scenario.namespace, symptom)),
      );
      const { snapshot } = await collectSnapshot({
        run,
        namespaces: [scenario.namespace],
        signal: AbortSignal.timeout(120_000),
      });
      const report = diagnose(snapshot, { namespaces: [scenario.namespace] });
      const roots = rootsFor(report, scenario.namespace);
      const root = roots[0];
      const findings = root === undefined ? [] : ownedBy(report, scenario.namespace, root.id);
      const present = new Set(findings.map((finding) => finding.finding));
      const ok =
        shown.every((result) => result.ok) &&
        roots.filter((finding) => finding.severity === 'critical').length === 1 &&
        root !== undefined &&
        key(root) === item.root &&
        root.severity === 'critical' &&
        item.symptoms.every((symptom) => present.has(symptom)) &&
        findings.every(
          (finding) => finding.owned || finding.finding === 'ingress-class-missing Ingress/storefront',
        );
      observed = `roots: ${roots.map((finding) => `${finding.severity} ${key(finding)}`).join(', ')}\nfindings: ${JSON.stringify(findings)}`;
      if (ok || Date.now() > deadline) {
        expect(
          ok,
          `${item.scenario}: expected one critical root ${item.root} owning ${item.symptoms.join(', ')}\n${observed}`,
        ).toBe(true);
        return;
      }
      await sleep(5000);
    }
  });
});
