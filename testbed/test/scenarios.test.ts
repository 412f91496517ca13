import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

import { listScenarioNames, loadAllScenarios, loadScenario } from '../src/scenario-catalog.js';
import { TestbedError } from '../src/testbed-error.js';

const scenarios = await loadAllScenarios();

describe('scenario library', () => {
  it('has at least 25 failure scenarios plus the healthy one', () => {
    expect(scenarios.filter((s) => s.expected.category !== 'none').length).toBeGreaterThanOrEqual(25);
    expect(scenarios.map((s) => s.name)).toContain('healthy');
  });

  it('covers every failure family the issue lists', () => {
    const categories = new Set(scenarios.map((s) => s.expected.category));
    for (const category of [
      'image-pull',
      'crash-loop',
      'oom',
      'config',
      'probe',
      'init-container',
      'scheduling',
      'storage',
      'quota',
      'service-account',
      'service',
      'ingress',
      'network-policy',
      'autoscaling',
      'job',
      'cronjob',
      'rollout',
      'node',
      'none',
    ] as const) {
      expect(categories, category).toContain(category);
    }
  });

  it.each(scenarios.map((s) => [s.name, s] as const))(
    '%s names its culprit inside its own namespace',
    (_name, s) => {
      if (s.expected.category === 'none') {
        expect(s.expected.culprit).toBeNull();
        return;
      }
      expect(s.expected.culprit).not.toBeNull();
      const culprit = s.expected.culprit!;
      expect(culprit.namespace).toBe(culprit.kind === 'Node' ? '' : s.namespace);
    },
  );

  it.each(scenarios.map((s) => [s.name, s] as const))(
    '%s has at least one symptom the e2e suite can check',
    (_n, s) => {
      expect(s.expected.symptoms.some((symptom) => symptom.type !== 'note')).toBe(true);
    },
  );

  it.each(scenarios.map((s) => [s.name, s] as const))(
    '%s README states symptom and root cause',
    async (_n, s) => {
      const readme = await readFile(`${s.dir}/README.md`, 'utf8');
      expect(readme).toMatch(/\*\*Symptom\.\*\*/);
      expect(readme).toMatch(/\*\*Root cause\.\*\*/);
    },
  );

  it.each(scenarios.map((s) => [s.name, s] as const))(
    '%s serves logs only for containers it defines',
    async (_n, s) => {
      const text = await readFile(s.manifests, 'utf8');
      const containers = new Set<string>();
      for (const document of parseAllDocuments(text)) {
        const json = JSON.stringify(document.toJS());
        for (const match of json.matchAll(/"name":"([a-z0-9-]+)","image"/g)) containers.add(match[1]!);
      }
      for (const log of s.logs) expect(containers, log.file).toContain(log.container);
    },
  );

  it('rejects a name that is not a DNS label, naming the problem', async () => {
    await expect(loadScenario('../etc')).rejects.toThrow(TestbedError);
    await expect(loadScenario('../etc')).rejects.toThrow(/not a DNS label/);
  });

  it('lists directories in a stable order', async () => {
    const names = await listScenarioNames();
    expect(names).toEqual([...names].sort());
  });
});
