import { collectSnapshot, diagnose } from '@kubently/diagnosis';
import type { ClusterSnapshot, Finding, KubectlRun, Report } from '@kubently/diagnosis';
import { checkSymptom, loadScenario, runKubectl } from '@kubently/testbed';
import type { KubectlResult } from '@kubently/testbed';
import { describe, expect, inject, it } from 'vitest';

import { diagnosisExpectations, rootsFor, touches } from './diagnosis-expectations.js';
import { localKubectlRun } from '../../apps/cli/src/local/index.js';
import './testbed-context.js';

/**
 * Every testbed scenario diagnosed from a real snapshot: the collector lists the real apiserver
 * through the real kubectl (argv checked by the read-only policy), the engine diagnoses the whole
 * cluster, and the top root cause for each scenario's namespace must be the expected one
 * (diagnosis-expectations.ts). The healthy namespace must have no finding at all.
 */
const testbed = inject('testbed');
const denied: string[] = [];
// The CLI's local mode (`kubently diagnose --kubeconfig`): policy-checked argv, no shell, redaction.
const localRun = localKubectlRun({
  kubectl: testbed.kubectl,
  kubeconfig: testbed.kubeconfig,
  env: { PATH: process.env['PATH'], HOME: process.env['HOME'] },
});
const run: KubectlRun = async (args, signal) => {
  const outcome = await localRun(args, signal);
  if (outcome.type === 'failure' && outcome.code === 'policy_denied')
    denied.push(`${args.join(' ')}: ${outcome.message}`);
  return outcome;
};
const kubectl = (args: readonly string[]): Promise<KubectlResult> =>
  runKubectl(args, { kubectl: testbed.kubectl, kubeconfig: testbed.kubeconfig });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it passes or `timeoutMs` elapsed; returns the last observation. */
async function eventually<T extends { ok: boolean }>(check: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result.ok || Date.now() > deadline) return result;
    await sleep(3000);
  }
}

interface Diagnosis {
  readonly at: number;
  readonly snapshot: ClusterSnapshot;
  readonly report: Report;
}

let latest: Diagnosis | undefined;
/** One cluster-wide snapshot and report, shared by the scenarios polled within `maxAgeMs`. */
async function freshDiagnosis(maxAgeMs = 4000): Promise<Diagnosis> {
  if (latest !== undefined && Date.now() - latest.at < maxAgeMs) return latest;
  const { snapshot, collection } = await collectSnapshot({
    run,
    namespaces: 'all',
    signal: AbortSignal.timeout(180_000),
  });
  expect(denied, 'the collector produced argv the read-only policy denies').toEqual([]);
  expect(collection.warnings, 'every kind of the snapshot is collected').toEqual([]);
  latest = { at: Date.now(), snapshot, report: diagnose(snapshot) };
  return latest;
}

const describeFinding = (finding: Finding): string =>
  `${finding.severity} ${finding.rule} ${finding.resource.kind}/${finding.resource.namespace}/${finding.resource.name}: ${finding.summary}`;

const listFindings = (findings: readonly Finding[]): string =>
  findings.length === 0 ? '  (none)' : findings.map((finding) => `  ${describeFinding(finding)}`).join('\n');

/** Strips every `testbed.kubently.dev/*` annotation and label (they only stand in for the kubelet). */
function withoutTestbedMarkers(snapshot: ClusterSnapshot): ClusterSnapshot {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !key.startsWith('testbed.kubently.dev/'))
        .map(([key, inner]) => [key, strip(inner)]),
    );
  };
  return strip(snapshot) as ClusterSnapshot;
}

// Symptoms show within ~2 minutes of the apply (crash-loop back-offs, progress deadline, node
// NotReady); give each scenario until then plus a margin, counted from the apply.
const symptomBudgetMs = (): number => Math.max(30_000, testbed.scenariosAppliedAt + 200_000 - Date.now());
const diagnosisBudgetMs = 90_000;

const brokenScenarios = testbed.scenarios.filter((name) => name !== 'healthy');

describe('diagnosis of every testbed scenario (real apiserver, real kubectl)', () => {
  it('has an expectation for every broken scenario and none for a scenario that does not exist', () => {
    expect(Object.keys(diagnosisExpectations).sort()).toEqual([...brokenScenarios].sort());
  });

  it.each(brokenScenarios.map((name) => [name]))(
    '%s: the top root cause is the expected one',
    async (name) => {
      const scenario = await loadScenario(name);
      const expectation = diagnosisExpectations[name];
      if (expectation === undefined) throw new Error(`no diagnosis expectation for scenario ${name}`);
      const culprit = scenario.expected.culprit;
      if (culprit === null) throw new Error(`scenario ${name} has no culprit in expected.json`);
      for (const symptom of scenario.expected.symptoms) {
        const shown = await eventually(
          () => checkSymptom(kubectl, scenario.namespace, symptom),
          symptomBudgetMs(),
        );
        expect(shown.ok, `${name}: symptom ${JSON.stringify(symptom)} never showed\n${shown.observed}`).toBe(
          true,
        );
      }
      const matches = (finding: Finding | undefined): boolean =>
        finding !== undefined &&
        expectation.rules.includes(finding.rule) &&
        finding.resource.kind === culprit.kind &&
        finding.resource.namespace === culprit.namespace &&
        finding.resource.name === culprit.name &&
        expectation.mentions.test(`${finding.summary}\n${finding.rootCause}`);
      const observed = await eventually(async () => {
        const { snapshot, report } = await freshDiagnosis();
        const cluster = rootsFor(report, name);
        const scoped = diagnose(snapshot, { namespaces: [name] }).findings;
        return {
          ok: matches(cluster[0]) && matches(scoped[0]),
          observed: `cluster-wide report, roots for ${name}:\n${listFindings(cluster)}\n\`-n ${name}\` report:\n${listFindings(scoped)}`,
        };
      }, diagnosisBudgetMs);
      expect(
        observed.ok,
        `${name}: expected ${expectation.rules.join(' or ')} on ${culprit.kind}/${culprit.namespace}/${culprit.name} mentioning ${String(expectation.mentions)} (${expectation.why})\n${observed.observed}`,
      ).toBe(true);
    },
    360_000,
  );

  it('healthy: no finding, cluster-wide or with -n healthy', async () => {
    const scenario = await loadScenario('healthy');
    for (const symptom of scenario.expected.symptoms) {
      const shown = await eventually(
        () => checkSymptom(kubectl, scenario.namespace, symptom),
        symptomBudgetMs(),
      );
      expect(shown.ok, `healthy: ${JSON.stringify(symptom)}\n${shown.observed}`).toBe(true);
    }
    const { snapshot, report } = await freshDiagnosis(0);
    const touching = [...report.findings, ...report.symptoms].filter((finding) =>
      touches(finding, 'healthy'),
    );
    expect(touching, listFindings(touching)).toEqual([]);
    const scoped = diagnose(snapshot, { namespaces: ['healthy'] });
    expect(
      [...scoped.findings, ...scoped.symptoms],
      listFindings([...scoped.findings, ...scoped.symptoms]),
    ).toEqual([]);
  });

  it('reaches the same report without the testbed annotations and labels (the engine never reads them)', async () => {
    const { snapshot, report } = await freshDiagnosis(0);
    const pods = JSON.stringify(snapshot.pods ?? []);
    expect(pods, 'the snapshot carries the testbed markers, so the comparison is meaningful').toContain(
      'testbed.kubently.dev/config-error',
    );
    const stripped = diagnose(withoutTestbedMarkers(snapshot));
    const ids = (value: Report): string[] =>
      [...value.findings, ...value.symptoms].map((finding) => finding.id).sort();
    expect(ids(stripped)).toEqual(ids(report));
  });
});
