import { randomBytes } from 'node:crypto';

import { clusterListSchema, clusterTokenResponseSchema } from '@kubently/protocol';

import type { FakeKubectl } from '../../fixtures/fake-kubectl.js';
import { eventually, executorMain, serverMain, spawnNode } from './processes.js';
import type { Spawned } from './processes.js';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON, or the text when the answer is not JSON. */
  readonly body: unknown;
}

/** Drives a server over HTTP with one API key. */
export class Api {
  constructor(
    readonly url: string,
    readonly key: string | null,
  ) {}

  withKey(key: string | null): Api {
    return new Api(this.url, key);
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpAnswer> {
    const init: RequestInit = { method, headers: { ...headers } };
    const all = init.headers as Record<string, string>;
    if (this.key !== null) all['x-api-key'] = this.key;
    if (body !== undefined) {
      all['content-type'] ??= 'application/json';
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const response = await fetch(`${this.url}${path}`, init);
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text !== '')
      parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed };
  }

  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpAnswer> {
    return this.request('POST', path, body, headers);
  }

  get(path: string, headers?: Record<string, string>): Promise<HttpAnswer> {
    return this.request('GET', path, undefined, headers);
  }

  delete(path: string): Promise<HttpAnswer> {
    return this.request('DELETE', path);
  }

  /** Registers a cluster and returns its executor token. */
  async addCluster(id: string): Promise<string> {
    const answer = await this.post('/v1/clusters', { id });
    if (answer.status !== 201)
      throw new Error(`POST /v1/clusters answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return clusterTokenResponseSchema.parse(answer.body).token;
  }

  /** Waits until the cluster has `count` connected executors. */
  async waitForExecutors(clusterId: string, count = 1): Promise<void> {
    await eventually(async () => {
      const answer = await this.get('/v1/clusters');
      const cluster = clusterListSchema.parse(answer.body).clusters.find((c) => c.id === clusterId);
      return cluster !== undefined && cluster.connected && cluster.executors >= count ? true : undefined;
    });
  }
}

export const adminKey = `admin-${randomBytes(16).toString('hex')}`;
export const viewerKey = `viewer-${randomBytes(16).toString('hex')}`;

export interface RunningServer {
  readonly url: string;
  readonly process: Spawned;
  readonly api: Api;
}

/**
 * Starts the built server (apps/server/dist/main.js, or `options.script`) on a free loopback port;
 * `options.nodeArgs` go to node before the script (benchmarks pass `--cpu-prof`).
 */
export async function startServer(
  env: Record<string, string> = {},
  port = 0,
  options: { readonly nodeArgs?: readonly string[]; readonly script?: string } = {},
): Promise<RunningServer> {
  const spawned = spawnNode(
    options.script ?? serverMain,
    {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      KUBENTLY_HOST: '127.0.0.1',
      KUBENTLY_PORT: String(port),
      KUBENTLY_API_KEYS: `admin:${adminKey}:admin,viewer:${viewerKey}:viewer`,
      KUBENTLY_LOG_LEVEL: 'info',
      ...env,
    },
    options.nodeArgs,
  );
  const line = await spawned.waitForLog((l) => typeof l.url === 'string' && l.msg === 'listening');
  const url = line.url as string;
  return { url, process: spawned, api: new Api(url, adminKey) };
}

/** Starts the built executor (apps/executor/dist/main.js) with the kubectl test double. */
export function startExecutor(options: {
  apiUrl: string;
  clusterId: string;
  token: string;
  kubectl: FakeKubectl;
  env?: Record<string, string>;
}): Spawned {
  return spawnNode(executorMain, {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    KUBENTLY_API_URL: options.apiUrl,
    CLUSTER_ID: options.clusterId,
    KUBENTLY_TOKEN: options.token,
    KUBENTLY_KUBECTL: options.kubectl.path,
    LOG_LEVEL: 'debug',
    ...options.env,
  });
}

/** Starts an executor and waits until the server lists it as connected. */
export async function connectExecutor(
  server: RunningServer,
  options: { clusterId: string; token: string; kubectl: FakeKubectl; env?: Record<string, string> },
  expectedExecutors = 1,
): Promise<Spawned> {
  const executor = startExecutor({ apiUrl: server.url, ...options });
  await server.api.waitForExecutors(options.clusterId, expectedExecutors);
  return executor;
}
