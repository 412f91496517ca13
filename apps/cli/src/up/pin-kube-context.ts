import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { definedOnly } from './defined-only.js';

export interface PinnedKubeconfig {
  readonly path: string;
  /** Deletes the file (it holds credentials); safe to call twice. */
  remove(): Promise<void>;
}

/**
 * Writes `kubectl config view --minify --flatten --context=<context>` to a private file (0600 in a
 * fresh 0700 directory) for the in-process executor. Without it, a later `kubectl config
 * use-context` would silently send the commands of cluster X to another cluster. Returns null if
 * kubectl cannot produce it; `up` then says that the executor follows the current context.
 */
export async function pinKubeContext(
  kubectl: string,
  context: string,
  env: Readonly<Record<string, string | undefined>>,
  signal: AbortSignal,
): Promise<PinnedKubeconfig | null> {
  const document = await new Promise<string | null>((resolve) => {
    execFile(
      kubectl,
      ['config', 'view', '--minify', '--flatten', '--raw', `--context=${context}`],
      // KUBERC=off: no kuberc alias or default may change what kubectl prints.
      { env: { ...definedOnly(env), KUBERC: 'off' }, signal, timeout: 10_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout) => {
        resolve(error === null && stdout.trim() !== '' ? stdout : null);
      },
    );
  });
  if (document === null) return null;
  const dir = await mkdtemp(join(tmpdir(), 'kubently-up-'));
  const path = join(dir, 'kubeconfig');
  await writeFile(path, document, { mode: 0o600, flag: 'wx' });
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}
