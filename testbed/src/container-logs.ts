import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';

import { toCriLog } from './cri-log.js';
import type { Scenario } from './scenario-catalog.js';

/** What `kubectl logs` returns for containers no scenario describes. */
export const defaultLogText = [
  'level=info msg="starting" version=1.4.2',
  'level=info msg="configuration loaded" source=env',
  'level=info msg="listening" addr=0.0.0.0:8080',
  'level=info msg="ready to serve requests"',
].join('\n');

interface LogEntry {
  readonly containers?: string[];
  readonly logsFile: string;
  readonly previousLogsFile?: string;
}

/**
 * Writes every scenario's container logs in CRI format under `dir` and returns the kwok config
 * (ClusterLogs documents) that serves them: one ClusterLogs per scenario namespace, then a
 * catch-all for any other pod. kwok reads it once at start, so all scenarios are registered at `up`.
 */
export async function prepareContainerLogs(
  dir: string,
  scenarios: readonly Scenario[],
  now: Date,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const defaultFile = join(dir, 'default.log');
  await writeFile(defaultFile, toCriLog(defaultLogText, now));

  const documents: unknown[] = [];
  for (const scenario of scenarios) {
    if (scenario.logs.length === 0) continue;
    const scenarioDir = join(dir, scenario.namespace);
    await mkdir(scenarioDir, { recursive: true });
    const byContainer = new Map<string, { current?: string; previous?: string }>();
    for (const log of scenario.logs) {
      const target = join(scenarioDir, `${log.container}${log.previous ? '.previous' : ''}.log`);
      // Previous logs end a minute before the current ones, as a restarted container's would.
      const end = log.previous ? new Date(now.getTime() - 60_000) : now;
      await writeFile(target, toCriLog(await readFile(log.file, 'utf8'), end));
      const entry = byContainer.get(log.container) ?? {};
      byContainer.set(
        log.container,
        log.previous ? { ...entry, previous: target } : { ...entry, current: target },
      );
    }
    const logs: LogEntry[] = [...byContainer.entries()].map(([container, files]) => ({
      containers: [container],
      logsFile: files.current ?? files.previous ?? defaultFile,
      ...(files.previous === undefined ? {} : { previousLogsFile: files.previous }),
    }));
    logs.push({ logsFile: defaultFile });
    documents.push(clusterLogs(`scenario-${scenario.name}`, [scenario.namespace], logs));
  }
  documents.push(clusterLogs('testbed-default', [], [{ logsFile: defaultFile }]));
  return documents.map((document) => stringify(document)).join('---\n');
}

function clusterLogs(name: string, namespaces: string[], logs: LogEntry[]): unknown {
  return {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'ClusterLogs',
    metadata: { name },
    spec: { ...(namespaces.length > 0 ? { selector: { matchNamespaces: namespaces } } : {}), logs },
  };
}
