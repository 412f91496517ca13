import { commandResponseSchema } from '@kubently/protocol';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { runKubectl } from '@kubently/testbed';

import { startServer } from '../integration/support/kubently.js';
import type { RunningServer } from '../integration/support/kubently.js';
import { executorMain, spawnNode, stopAll } from '../integration/support/processes.js';
import './testbed-context.js';

/**
 * The built server with a small result limit and the built executor running the real kubectl on
 * the testbed: a listing larger than the limit reaches the caller as a definite output_too_large
 * failure at once; a small one as kubectl printed it.
 */
const testbed = inject('testbed');
const clusterId = 'testbed-limit';
const limitBytes = 16 * 1024;

describe('relay against the testbed with a small result limit', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer({ KUBENTLY_RESULT_BODY_LIMIT_BYTES: String(limitBytes) });
    const token = await server.api.addCluster(clusterId);
    spawnNode(executorMain, {
      PATH: `${testbed.binDir}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
      HOME: process.env['HOME'] ?? '/tmp',
      KUBENTLY_API_URL: server.url,
      CLUSTER_ID: clusterId,
      KUBENTLY_TOKEN: token,
      KUBENTLY_KUBECTL: testbed.kubectl,
      KUBECONFIG: testbed.kubeconfig,
      LOG_LEVEL: 'info',
    });
    await server.api.waitForExecutors(clusterId);
  });
  afterAll(stopAll);

  it('a listing larger than the server takes: output_too_large with both sizes, not a 504', async () => {
    const args = ['get', 'pods', '-A', '-o', 'json'];
    const direct = await runKubectl(args, { kubectl: testbed.kubectl, kubeconfig: testbed.kubeconfig });
    const directBytes = Buffer.byteLength(direct.stdout);
    expect(directBytes).toBeGreaterThan(limitBytes);

    const answer = await server.api.post('/v1/commands', { clusterId, args, timeoutSeconds: 60 });
    expect(answer.status).toBe(200);
    const response = commandResponseSchema.parse(answer.body);
    expect(response).toMatchObject({
      status: 'failed',
      exitCode: 0,
      stdout: '',
      failure: { code: 'output_too_large' },
    });
    const sizes = /the result is (\d+) bytes, more than the server accepts \((\d+) bytes\)/.exec(
      response.failure?.message ?? '',
    );
    expect(Number(sizes?.[1])).toBeGreaterThan(directBytes);
    expect(Number(sizes?.[2])).toBe(limitBytes);
  });

  it('a listing under the limit comes back as kubectl printed it', async () => {
    const args = ['get', 'nodes', '-o', 'name'];
    const direct = await runKubectl(args, { kubectl: testbed.kubectl, kubeconfig: testbed.kubeconfig });
    const answer = await server.api.post('/v1/commands', { clusterId, args, timeoutSeconds: 30 });
    const response = commandResponseSchema.parse(answer.body);
    expect(response.status).toBe('succeeded');
    expect(response.stdout).toBe(direct.stdout);
  });
});
