import { versionStringSchema } from '@kubently/protocol';
import { z } from 'zod';

import { runProcess } from '../runner/run-process.js';

/** A version the server would refuse (not the strict pattern) is reported as unknown. */
const versionOutputSchema = z.object({
  clientVersion: z.object({ gitVersion: versionStringSchema.nullable().catch(null) }).optional(),
});

/**
 * Best effort: `kubectl version --client -o json`. Unknown versions, and versions that are not of
 * the strict pattern the server takes, are null, never an error. (The API server's version comes
 * from the periodic check, cluster/check-api-server.ts.)
 */
export async function detectKubectlVersion(options: {
  kubectl: string;
  env: Readonly<Record<string, string>>;
  timeoutMs: number;
  signal?: AbortSignal;
}): Promise<string | null> {
  const outcome = await runProcess({
    file: options.kubectl,
    args: ['version', '--client', '-o', 'json'],
    env: options.env,
    timeoutMs: options.timeoutMs,
    maxOutputBytes: 64 * 1024,
    killGraceMs: 500,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  try {
    const parsed = versionOutputSchema.safeParse(JSON.parse(outcome.stdout.toString('utf8')));
    return parsed.success ? (parsed.data.clientVersion?.gitVersion ?? null) : null;
  } catch {
    return null;
  }
}
