import { buildExecutorConfig, start as startExecutor } from '@kubently/executor';
import type { ExecutorOptions, RunningExecutor } from '@kubently/executor';
import { createConfig, start as startServer } from '@kubently/server';
import type { RunningServer, ServiceOverrides } from '@kubently/server';

import type { TestbedContext } from './testbed-context.js';

export interface InProcessRelay {
  readonly server: RunningServer;
  readonly executor: RunningExecutor;
  /** The cluster the executor serves: `testbed`. */
  readonly clusterId: string;
  close(): Promise<void>;
}

const clusterId = 'testbed';

export interface InProcessRelayOptions {
  /** The executor's HOME (default: the testbed's run directory). */
  readonly home?: string;
  /** The executor's kubeconfig (default: the testbed's). */
  readonly kubeconfig?: string;
  /** Reach the server's services (e.g. a scripted model for the agent). */
  readonly overrides?: ServiceOverrides;
  /** Executor options beyond the connection (e.g. `readPath`, `maxOutputBytes`). */
  readonly executor?: Partial<ExecutorOptions>;
}

/**
 * A server and an executor in this process, the executor running the testbed's real kubectl with
 * its kubeconfig; resolves once the executor is connected. `adminKey` is the only API key.
 */
export async function startInProcessRelay(
  testbed: TestbedContext,
  adminKey: string,
  options: InProcessRelayOptions = {},
): Promise<InProcessRelay> {
  const server = await startServer(
    createConfig({
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
      apiKeys: [{ identity: 'sre', key: adminKey, role: 'admin' }],
    }),
    options.overrides ?? {},
  );
  let executor: RunningExecutor | undefined;
  const close = async (): Promise<void> => {
    await executor?.close();
    await server.close();
  };
  try {
    const created = await fetch(`${server.url}/v1/clusters`, {
      method: 'POST',
      headers: { 'x-api-key': adminKey, 'content-type': 'application/json' },
      body: JSON.stringify({ id: clusterId }),
    });
    const { token } = (await created.json()) as { token: string };
    executor = await startExecutor(
      buildExecutorConfig(
        {
          apiUrl: server.url,
          clusterId,
          token,
          kubectl: testbed.kubectl,
          kubeconfig: options.kubeconfig ?? testbed.kubeconfig,
          logLevel: 'silent',
          ...options.executor,
        },
        { PATH: `${testbed.binDir}:${process.env['PATH'] ?? ''}`, HOME: options.home ?? testbed.runDir },
      ),
    );
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const answer = await fetch(`${server.url}/v1/clusters/${clusterId}`, {
        headers: { 'x-api-key': adminKey },
      });
      if (((await answer.json()) as { connected?: boolean }).connected === true) {
        return { server, executor, clusterId, close };
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the executor never connected');
  } catch (error) {
    await close();
    throw error;
  }
}
