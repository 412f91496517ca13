import type { ApiServerStatus } from '@kubently/protocol';
import { versionStringSchema } from '@kubently/protocol';
import { z } from 'zod';

import { runProcess } from '../runner/run-process.js';
import { summarizeRbac } from './rbac-summary.js';

export interface ApiServerCheckOptions {
  readonly kubectl: string;
  readonly env: Readonly<Record<string, string>>;
  readonly credentials: ApiServerStatus['credentials'];
  readonly server: string;
  readonly namespace: string;
  readonly timeoutMs: number;
  readonly now: () => number;
  readonly signal?: AbortSignal;
}

const versionSchema = z.object({
  serverVersion: z.object({ gitVersion: versionStringSchema.nullable().catch(null) }).optional(),
});

/**
 * One check of the API server through kubectl, with the executor's own credentials:
 * `kubectl version -o json` (GET /version: reachable, and its version) and, when it answers,
 * `kubectl auth can-i --list` in the executor's namespace for an RBAC summary.
 */
export async function checkApiServer(options: ApiServerCheckOptions): Promise<ApiServerStatus> {
  const seconds = Math.max(1, Math.floor(options.timeoutMs / 1000) - 1);
  const run = (args: string[]) =>
    runProcess({
      file: options.kubectl,
      args: [...args, `--request-timeout=${seconds}s`],
      env: options.env,
      timeoutMs: options.timeoutMs,
      maxOutputBytes: 256 * 1024,
      killGraceMs: 500,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  const base = {
    credentials: options.credentials,
    server: /^https?:\/\/[\x21-\x7e]{1,250}$/.test(options.server) ? options.server : null,
  };
  const version = await run(['version', '-o', 'json']);
  let serverVersion: string | null = null;
  try {
    const parsed = versionSchema.safeParse(JSON.parse(version.stdout.toString('utf8')));
    serverVersion = parsed.success ? (parsed.data.serverVersion?.gitVersion ?? null) : null;
  } catch {
    serverVersion = null;
  }
  if (version.exitCode !== 0 || version.killedFor !== null) {
    const said = plainLine(version.stderr.toString('utf8'));
    const message =
      version.killedFor === 'timeout'
        ? `no answer within ${options.timeoutMs} ms`
        : said === ''
          ? null
          : said;
    return {
      ...base,
      status: isRefusedCredentials(said) ? 'unauthorized' : 'unreachable',
      checkedAt: new Date(options.now()).toISOString(),
      serverVersion: null,
      message,
      rbac: null,
    };
  }
  const rules = await run(['auth', 'can-i', '--list', `--namespace=${options.namespace}`]);
  const rbac = rules.exitCode === 0 ? summarizeRbac(rules.stdout.toString('utf8'), options.namespace) : null;
  return {
    ...base,
    status: 'reachable',
    checkedAt: new Date(options.now()).toISOString(),
    serverVersion,
    message: null,
    rbac,
  };
}

function isRefusedCredentials(message: string): boolean {
  return /\b(Unauthorized|Forbidden|must be logged in)\b/i.test(message);
}

/** kubectl's first error line, as printable ASCII (it reaches terminals and models), at most 300 characters. */
function plainLine(text: string): string {
  const line = text.split('\n').find((candidate) => candidate.trim() !== '') ?? '';
  return line
    .replace(/[^\x20-\x7e]/g, '?')
    .trim()
    .slice(0, 300);
}
