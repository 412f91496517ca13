import { versionStringSchema } from '@kubently/protocol';
import { z } from 'zod';

import { runProcess } from '../runner/run-process.js';

export interface KubectlVersions {
  readonly kubectlVersion: string | null;
  readonly kubernetesVersion: string | null;
}

/** A version the server would refuse (not the strict pattern) is reported as unknown. */
const gitVersionSchema = z.object({ gitVersion: versionStringSchema.nullable().catch(null) });
const versionOutputSchema = z.object({
  clientVersion: gitVersionSchema.optional(),
  serverVersion: gitVersionSchema.optional(),
});

/**
 * Best effort: `kubectl version --client -o json` for the client and `kubectl version -o json` (short
 * request timeout) for the API server. Unknown versions, and versions that are not of the strict
 * pattern the server takes, are null, never an error.
 */
export async function detectKubectlVersions(options: {
  kubectl: string;
  env: Readonly<Record<string, string>>;
  timeoutMs: number;
  signal?: AbortSignal;
}): Promise<KubectlVersions> {
  const run = async (args: string[], pick: 'clientVersion' | 'serverVersion'): Promise<string | null> => {
    const outcome = await runProcess({
      file: options.kubectl,
      args,
      env: options.env,
      timeoutMs: options.timeoutMs,
      maxOutputBytes: 64 * 1024,
      killGraceMs: 500,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    try {
      const parsed = versionOutputSchema.safeParse(JSON.parse(outcome.stdout.toString('utf8')));
      return parsed.success ? (parsed.data[pick]?.gitVersion ?? null) : null;
    } catch {
      return null;
    }
  };
  const seconds = Math.max(1, Math.floor(options.timeoutMs / 1000) - 1);
  const [kubectlVersion, kubernetesVersion] = await Promise.all([
    run(['version', '--client', '-o', 'json'], 'clientVersion'),
    run(['version', '-o', 'json', `--request-timeout=${seconds}s`], 'serverVersion'),
  ]);
  return { kubectlVersion, kubernetesVersion };
}
