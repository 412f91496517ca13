import { describe, expect, it } from 'vitest';
import { diagnose } from '../src/index.js';
import { plantedFailures, syntheticSnapshot } from './fixtures/synthetic-snapshot.js';

describe('synthetic cluster', () => {
  it('finds exactly the planted root causes among many healthy workloads', () => {
    const { snapshot, planted } = syntheticSnapshot({ pods: 1200, brokenRatio: 0.05 });
    expect(snapshot.pods).toHaveLength(1200);
    expect(planted.size).toBe(12);
    const report = diagnose(snapshot);
    const roots = new Map<string, string>();
    for (const finding of report.findings) {
      const owner =
        finding.resource.kind === 'Deployment' || finding.resource.kind === 'Service'
          ? finding.resource.name
          : (finding.affected[0]?.name ?? finding.resource.name);
      roots.set(`${finding.resource.namespace}/${owner}`, finding.rule);
    }
    const expected = new Map([...planted].map(([key, failure]) => [key, plantedFailures[failure]]));
    expect(Object.fromEntries(roots)).toEqual(Object.fromEntries(expected));
    // Every symptom hangs under a planted root; nothing healthy is reported.
    for (const symptom of report.symptoms)
      expect(planted.has(`${symptom.resource.namespace}/${symptom.resource.name}`)).toBe(true);
  });

  it('a fully healthy synthetic cluster yields nothing', () => {
    expect(diagnose(syntheticSnapshot({ pods: 500, brokenRatio: 0 }).snapshot).findings).toEqual([]);
  });
});
