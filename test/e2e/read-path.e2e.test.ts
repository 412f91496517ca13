import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { collectSnapshot } from '@kubently/diagnosis';
import type { ClusterSnapshot } from '@kubently/diagnosis';
import { readListSchema, readRequestSchema } from '@kubently/protocol';
import type { ReadRequest } from '@kubently/protocol';
import { relayKubectlRun, relayListRead } from '../../apps/server/src/diagnosis/index.js';
import { runKubectl } from '@kubently/testbed';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';

import { createLogger } from '../../apps/executor/src/logger.js';
import { openApiReader } from '../../apps/executor/src/reader/open-api-reader.js';
import type { ApiReader } from '../../apps/executor/src/reader/api-reader.js';
import { startInProcessRelay } from './in-process-relay.js';
import type { InProcessRelay } from './in-process-relay.js';
import './testbed-context.js';

/**
 * The executor's structured read path (decision 0011) against the real testbed API server: reads
 * travel server → SSE → executor → Kubernetes API → result like commands; lists split across
 * results with continue tokens under the output cap; Secrets leave reduced; restricted resources
 * are denied; an aborted read stops; an object over the cap is refused; an executor without the
 * read path is read through kubectl; and both paths collect the same snapshot.
 */
const testbed = inject('testbed');
const adminKey = 'read-path-e2e-admin-0123456789abcdef';
const namespace = 'read-path-e2e';
const caller = { identity: 'sre', role: 'admin' as const };
const configMaps = 30;

const kubectl = (args: readonly string[], input?: string) =>
  runKubectl(args, {
    kubectl: testbed.kubectl,
    kubeconfig: testbed.kubeconfig,
    ...(input === undefined ? {} : { input }),
  });

const secretListSchema = z.object({
  items: z.array(
    z.object({ metadata: z.object({ name: z.string() }), data: z.record(z.string(), z.string()) }),
  ),
});

const manifest = (): string =>
  [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    ...Array.from({ length: configMaps }, (_, index) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `settings-${String(index).padStart(2, '0')}`, namespace },
      data: { 'app.properties': 'x'.repeat(1500) },
    })),
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db-credentials', namespace },
      stringData: { password: 'hunter2-read-path', user: 'admin' },
    },
  ]
    .map((document) => JSON.stringify(document))
    .join('\n---\n');

describe('executor read path (real API server)', () => {
  let relay: InProcessRelay;
  let kubectlOnly: InProcessRelay | undefined;
  let reader: ApiReader | null = null;
  const policyDirectory = mkdtempSync(join(tmpdir(), 'kubently-read-policy-'));

  const submitRead = async (target: InProcessRelay, read: ReadRequest) => {
    const record = await target.server.services.commands.submit({
      clusterId: target.clusterId,
      read,
      timeoutSeconds: 30,
      caller,
      correlationId: 'read-path-e2e',
      source: 'diagnosis',
      wait: true,
    });
    return record;
  };

  beforeAll(async () => {
    const applied = await kubectl(['apply', '-f', '-'], manifest());
    expect(applied.exitCode, applied.stderr).toBe(0);
    // A small output cap, so 30 ConfigMaps of 1.5 KB need several results.
    relay = await startInProcessRelay(testbed, adminKey, { executor: { maxOutputBytes: 24 * 1024 } });
    for (let attempt = 0; attempt < 200; attempt += 1) {
      if (await relay.server.services.clusters.offersRead(relay.clusterId)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }, 120_000);

  afterAll(async () => {
    reader?.close();
    await kubectlOnly?.close();
    await relay.close();
    rmSync(policyDirectory, { recursive: true, force: true });
    await kubectl(['delete', 'namespace', namespace, '--wait=false']);
  });

  it('advertises the read capability and lists a collection across results with continue tokens', async () => {
    expect(await relay.server.services.clusters.offersRead(relay.clusterId)).toBe(true);
    const names: string[] = [];
    let token: string | undefined;
    let results = 0;
    do {
      const read = readRequestSchema.parse({
        group: '',
        version: 'v1',
        resource: 'configmaps',
        namespace,
        pageSize: 4,
        ...(token === undefined ? {} : { continue: token }),
      });
      const record = await submitRead(relay, read);
      expect(record.status, record.result?.stderr).toBe('succeeded');
      expect(record.command.args).toEqual(['get', 'configmaps', '-n', namespace, '-o', 'json']);
      const list = readListSchema.parse(JSON.parse(record.result?.stdout ?? ''));
      for (const item of list.items ?? [])
        names.push(z.object({ metadata: z.object({ name: z.string() }) }).parse(item).metadata.name);
      token = list.metadata?.continue;
      results += 1;
    } while (token !== undefined && results < 50);
    const expected = Array.from(
      { length: configMaps },
      (_, index) => `settings-${String(index).padStart(2, '0')}`,
    );
    expect(names.filter((name) => name.startsWith('settings-')).sort()).toEqual(expected);
    expect(results).toBeGreaterThan(1);
  });

  it('reduces Secrets to names, keys and lengths before they leave the executor', async () => {
    const record = await submitRead(relay, { group: '', version: 'v1', resource: 'secrets', namespace });
    const stdout = record.result?.stdout ?? '';
    expect(stdout).not.toContain('hunter2');
    expect(stdout).not.toContain(Buffer.from('hunter2-read-path').toString('base64'));
    const secret = secretListSchema
      .parse(JSON.parse(stdout))
      .items.find((item) => item.metadata.name === 'db-credentials');
    expect(secret?.data).toEqual({ password: '<redacted: 17 bytes>', user: '<redacted: 5 bytes>' });
  });

  it('denies a restricted resource at the executor as well as at the server', async () => {
    const policyFile = join(policyDirectory, 'policy.yaml');
    writeFileSync(policyFile, 'mode: readOnly\nrestrictedResources: [configmaps]\n');
    const restricted = await startInProcessRelay(testbed, `${adminKey}-restricted`, {
      executor: { policyFile },
    });
    try {
      // The server pre-checks with the policy the executor reported; until that report arrives the
      // executor's own check answers. Either way the read is denied and never reaches the API.
      const denial = await submitRead(restricted, {
        group: '',
        version: 'v1',
        resource: 'configmaps',
        namespace,
      }).then(
        (record) => record.result?.failure?.code ?? record.failure?.code ?? record.status,
        (error: unknown) => z.object({ code: z.string() }).parse(error).code,
      );
      expect(denial).toBe('policy_denied');
    } finally {
      await restricted.close();
    }
  });

  it('stops an aborted read, and refuses an object larger than the output cap', async () => {
    reader = await openApiReader({
      kubectl: testbed.kubectl,
      env: { KUBECONFIG: testbed.kubeconfig, KUBERC: 'off', PATH: process.env['PATH'] ?? '' },
      logger: createLogger('silent', { clusterId: 'testbed', executorId: 'read-path-e2e' }),
    });
    expect(reader).not.toBeNull();
    if (reader === null) return;
    const controller = new AbortController();
    controller.abort(new Error('caller went away'));
    await expect(
      reader.read(
        { group: '', version: 'v1', resource: 'configmaps', namespace },
        { signal: controller.signal, maxBytes: 1 << 20, timeoutMs: 10_000 },
      ),
    ).rejects.toThrow();
    const tooSmall = await reader.read(
      { group: '', version: 'v1', resource: 'configmaps', namespace },
      { signal: new AbortController().signal, maxBytes: 11 * 1024, timeoutMs: 10_000 },
    );
    expect(tooSmall).toMatchObject({ type: 'too-large' });
  });

  it('collects the same snapshot through the read path and through kubectl (an executor without it)', async () => {
    kubectlOnly = await startInProcessRelay(testbed, `${adminKey}-kubectl`, {
      executor: { readPath: false },
    });
    expect(await kubectlOnly.server.services.clusters.offersRead(kubectlOnly.clusterId)).toBe(false);
    const relayOf = (target: InProcessRelay) => ({
      commands: target.server.services.commands,
      clusterId: target.clusterId,
      caller,
      correlationId: 'read-path-e2e',
      timeoutSeconds: 30,
    });
    const signal = new AbortController().signal;
    const namespaces = [namespace, ...testbed.scenarios.slice(0, 3)];
    const [viaRead, viaKubectl] = await Promise.all([
      collectSnapshot({
        run: relayKubectlRun(relayOf(relay)),
        read: relayListRead(relayOf(relay)),
        namespaces,
        signal,
        logs: false,
      }),
      collectSnapshot({ run: relayKubectlRun(relayOf(kubectlOnly)), namespaces, signal, logs: false }),
    ]);
    expect(
      viaRead.collection.commands.every((command) => !command.args.some((arg) => arg.includes(','))),
    ).toBe(true);
    expect(viaRead.collection.missing).toEqual(viaKubectl.collection.missing);
    expect(objectNames(viaRead.snapshot)).toEqual(objectNames(viaKubectl.snapshot));
    expect(viaRead.snapshot.secrets).toEqual(viaKubectl.snapshot.secrets);
  }, 120_000);
});

/** Every kind's objects as sorted `namespace/name` (events excluded: new ones appear between reads). */
function objectNames(snapshot: ClusterSnapshot): Record<string, string[]> {
  const names: Record<string, string[]> = {};
  for (const [kind, value] of Object.entries(snapshot)) {
    if (!Array.isArray(value) || ['events', 'containerLogs', 'namespaces'].includes(kind)) continue;
    names[kind] = value
      .map((item) => {
        // Objects keep their metadata; Secret and ConfigMap summaries name themselves at the top.
        const ref = z.object({ name: z.string().optional(), namespace: z.string().optional() });
        const parsed = z.object({ metadata: ref.optional() }).and(ref).parse(item);
        const where = parsed.metadata ?? parsed;
        return `${where.namespace ?? ''}/${where.name ?? ''}`;
      })
      .sort();
  }
  return names;
}
