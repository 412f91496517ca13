import { tmpdir } from 'node:os';

import { readLimits } from '@kubently/protocol';
import type { ReadCapability } from '@kubently/protocol';

import type { Logger } from '../logger.js';
import { runProcess } from '../runner/run-process.js';
import { apiConnectionFromKubeconfig } from './api-connection.js';
import { ApiReader } from './api-reader.js';

export interface OpenApiReaderOptions {
  readonly kubectl: string;
  /** kubectl's isolated environment (KUBECONFIG with the context pin, private HOME). */
  readonly env: Readonly<Record<string, string>>;
  readonly logger: Logger;
  readonly signal?: AbortSignal;
}

/** argv printing the current context's cluster and user with certificate files embedded. */
export const flattenedKubeconfigArgs: readonly string[] = [
  'config',
  'view',
  '--minify',
  '--flatten',
  '-o',
  'json',
];

/**
 * The read path's API client, built from the kubeconfig kubectl itself resolves, or null when the
 * credentials are left to kubectl (a credential plugin, a proxy): structured reads then run
 * `kubectl get -o json` and the executor does not advertise the `read` capability.
 */
export async function openApiReader(options: OpenApiReaderOptions): Promise<ApiReader | null> {
  const probe = await runProcess({
    file: options.kubectl,
    args: flattenedKubeconfigArgs,
    env: options.env,
    timeoutMs: 10_000,
    maxOutputBytes: 4 * 1024 * 1024,
    killGraceMs: 500,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  if (probe.exitCode !== 0) {
    options.logger.warn('kubectl config view failed: structured reads run through kubectl');
    return null;
  }
  const result = await apiConnectionFromKubeconfig(probe.stdout.toString('utf8'), tmpdir());
  if (result.type === 'unsupported') {
    options.logger.info({ reason: result.reason }, 'structured reads run through kubectl');
    return null;
  }
  options.logger.info(
    { apiServer: result.connection.server.origin },
    'structured reads go to the Kubernetes API',
  );
  return new ApiReader(result.connection);
}

/** What the executor advertises when it has a reader. */
export const readCapability: ReadCapability = { maxPageSize: readLimits.maxPageSize, table: true };

/**
 * Bytes a read's List may have: the output cap, and well under the server's result body limit
 * (a List's JSON grows when posted inside a JSON string: every quote is escaped).
 */
export const readBudgetBytes = (maxOutputBytes: number, maxResultBytes: number | null): number =>
  Math.min(maxOutputBytes, maxResultBytes === null ? maxOutputBytes : Math.floor(maxResultBytes * 0.7));
