import { fileURLToPath } from 'node:url';

import { buildExecutorConfig, start as startExecutor } from '@kubently/executor';
import type { RunningExecutor } from '@kubently/executor';
import { createConfig, start as startServer } from '@kubently/server';
import type { RunningServer } from '@kubently/server';

/** The shared kubectl test double (echoes its argv as JSON; see the file's header). */
export const sharedFakeKubectl = fileURLToPath(
  new URL('../../../../test/fixtures/fake-kubectl.mjs', import.meta.url),
);

export const adminKey = 'admin-key-0123456789abcdef';
export const viewerKey = 'viewer-key-0123456789abcdef';

/** A real server on a free loopback port, memory backend, an admin and a viewer key. */
export function startTestServer(): Promise<RunningServer> {
  return startServer(
    createConfig({
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
      executorGraceMs: 300,
      apiKeys: [
        { identity: 'alice', key: adminKey, role: 'admin' },
        { identity: 'victor', key: viewerKey, role: 'viewer' },
      ],
    }),
  );
}

/** A real executor in-process whose kubectl is the test double. */
export function startTestExecutor(
  apiUrl: string,
  clusterId: string,
  token: string,
): Promise<RunningExecutor> {
  const config = buildExecutorConfig(
    { apiUrl, clusterId, token, kubectl: sharedFakeKubectl, logLevel: 'silent' },
    { PATH: process.env['PATH'] },
  );
  return startExecutor(config);
}
