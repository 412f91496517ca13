import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

import { prepareContainerLogs } from '../src/container-logs.js';
import { loadScenario } from '../src/scenario-catalog.js';

interface ClusterLogsDoc {
  kind: string;
  metadata: { name: string };
  spec: {
    selector?: { matchNamespaces: string[] };
    logs: { containers?: string[]; logsFile: string; previousLogsFile?: string }[];
  };
}

describe('prepareContainerLogs', () => {
  it('serves each scenario container its own current and previous log, and a default for the rest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'testbed-logs-'));
    const scenario = await loadScenario('crashloop-missing-env');
    const config = await prepareContainerLogs(dir, [scenario], new Date('2026-01-01T00:00:00Z'));
    const docs = parseAllDocuments(config).map((d) => d.toJS() as ClusterLogsDoc);

    expect(docs.map((d) => d.metadata.name)).toEqual(['scenario-crashloop-missing-env', 'testbed-default']);
    const [scenarioLogs, fallback] = docs;
    expect(scenarioLogs?.spec.selector).toEqual({ matchNamespaces: ['crashloop-missing-env'] });
    const api = scenarioLogs?.spec.logs.find((l) => l.containers?.includes('api'));
    expect(api?.previousLogsFile).toBeDefined();
    expect(await readFile(api!.logsFile, 'utf8')).toContain(
      'stderr F FATAL: required environment variable DATABASE_URL is not set',
    );
    expect(await readFile(api!.previousLogsFile!, 'utf8')).toContain(
      '2025-12-31T23:59:00.000000000Z stderr F FATAL',
    );
    expect(fallback?.spec.selector).toBeUndefined();
    expect(await readFile(fallback!.spec.logs[0]!.logsFile, 'utf8')).toContain('ready to serve requests');
  });
});
