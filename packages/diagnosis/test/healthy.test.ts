import { describe, expect, it } from 'vitest';
import { clusterSnapshotSchema, diagnose } from '../src/index.js';
import { healthyCluster } from './fixtures/healthy-cluster.js';

describe('healthy cluster', () => {
  it('parses as a ClusterSnapshot', () => {
    expect(clusterSnapshotSchema.safeParse(healthyCluster()).success).toBe(true);
  });

  it('yields no findings at all, not even info', () => {
    const report = diagnose(healthyCluster());
    expect(
      report.findings.map(
        (finding) => `${finding.rule} ${finding.resource.kind}/${finding.resource.name}: ${finding.summary}`,
      ),
    ).toEqual([]);
    expect(report.symptoms).toEqual([]);
    expect(report.summary.rootCauses).toBe(0);
    expect(report.summary.objectsScanned).toBeGreaterThan(30);
  });
});
