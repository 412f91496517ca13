import { randomUUID } from 'node:crypto';

import { commandResponseSchema } from '@kubently/protocol';
import { afterAll, describe, expect, it } from 'vitest';

import { createFakeKubectl } from '../fixtures/fake-kubectl.js';
import { connectExecutor, startServer } from './support/kubently.js';
import { stopAll } from './support/processes.js';

/**
 * A result larger than the server accepts (KUBENTLY_RESULT_BODY_LIMIT_BYTES) used to be refused with
 * 413 and dropped, and the caller waited for its deadline. The built server announces its limit on
 * connect; the built executor measures each result and posts a definite output_too_large failure.
 */
describe('relay: a result over the server body limit', () => {
  afterAll(stopAll);

  for (const transport of ['sse', 'poll'] as const) {
    it(`${transport}: the caller gets a definite output_too_large failure at once, not a 504`, async () => {
      const limitBytes = 4096;
      const server = await startServer({
        KUBENTLY_RESULT_BODY_LIMIT_BYTES: String(limitBytes),
        KUBENTLY_LOG_LEVEL: 'debug',
      });
      const clusterId = `limit-${transport}`;
      const token = await server.api.addCluster(clusterId);
      const kubectl = createFakeKubectl();
      await connectExecutor(server, { clusterId, token, kubectl, env: { KUBENTLY_TRANSPORT: transport } });

      const marker = `pod-${randomUUID()}`;
      const big = await server.api.post('/v1/commands', {
        clusterId,
        args: ['get', 'pods', marker, 'fake-lots-20000'],
        timeoutSeconds: 20,
      });
      expect(big.status).toBe(200);
      const response = commandResponseSchema.parse(big.body);
      expect(response).toMatchObject({
        status: 'failed',
        stdout: '',
        truncated: true,
        failure: { code: 'output_too_large' },
      });
      const message = response.failure?.message ?? '';
      expect(message).toMatch(/the result is \d{5} bytes, more than the server accepts \(4096 bytes\)/);
      expect(message).toContain('narrow the command');
      expect(message).toContain('KUBENTLY_RESULT_BODY_LIMIT_BYTES');
      expect(kubectl.invocations().filter((i) => i.argv.includes(marker))).toHaveLength(1);
      // The executor knew the limit before posting: the server never had to refuse a body.
      const isResultPost = (line: Record<string, unknown>): boolean =>
        line.msg === 'request' && line.path === '/v1/executor/results';
      await server.process.waitForLog(isResultPost);
      expect(
        server.process
          .logLines()
          .filter(isResultPost)
          .map((line) => line.status),
      ).toEqual([200]);

      // A result under the limit goes through as it is.
      const small = await server.api.post('/v1/commands', {
        clusterId,
        args: ['get', 'pods', 'fake-lots-1000'],
        timeoutSeconds: 20,
      });
      const smallResponse = commandResponseSchema.parse(small.body);
      expect(smallResponse.status).toBe('succeeded');
      expect(smallResponse.stdout?.length).toBeGreaterThanOrEqual(1000);
    });
  }
});
