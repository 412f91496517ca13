import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';

import { buildScript } from './paths.js';
import { TestbedError } from './testbed-error.js';

const manifestSchema = z.object({
  kubernetes: z.string(),
  etcd: z.string(),
  kwok: z.string(),
  kubectl: z.string(),
  binaries: z.record(z.string(), z.object({ bytes: z.number(), sha256: z.string() })),
});

export type BinariesManifest = z.infer<typeof manifestSchema>;

function runBuildScript(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  onLog: (line: string) => void,
  signal: AbortSignal | undefined,
): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [buildScript, ...args], {
      env: { ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(signal === undefined ? {} : { signal }),
    });
    let stdout = '';
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onLog(line);
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (pending !== '') onLog(pending);
      resolve({ code: code ?? 1, stdout: stdout.trim() });
    });
  });
}

/**
 * The directory holding the testbed binaries. Uses the cache when complete; otherwise builds it
 * with `testbed/build.sh` when `build` is true (cold: tens of minutes) or fails naming the fix.
 */
export async function resolveBinDir(options: {
  readonly build: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly onLog: (line: string) => void;
  readonly signal?: AbortSignal;
}): Promise<string> {
  const check = await runBuildScript(['--check'], options.env, options.onLog, options.signal);
  if (check.code === 0 && check.stdout !== '') return check.stdout.split('\n').at(-1) ?? check.stdout;
  if (!options.build) {
    throw new TestbedError(
      'binaries_missing',
      'the testbed binaries are not built for this checkout; run `bash testbed/build.sh` (cold build: 15-30 min)',
    );
  }
  const built = await runBuildScript([], options.env, options.onLog, options.signal);
  if (built.code !== 0 || built.stdout === '') {
    throw new TestbedError(
      'build_failed',
      `testbed/build.sh failed with exit code ${built.code} (see its output above)`,
    );
  }
  return built.stdout.split('\n').at(-1) ?? built.stdout;
}

export async function readBinariesManifest(binDir: string): Promise<BinariesManifest> {
  const file = join(dirname(binDir), 'manifest.json');
  try {
    return manifestSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  } catch (error) {
    throw new TestbedError(
      'binaries_missing',
      `cannot read ${file}; rebuild with \`bash testbed/build.sh\``,
      {
        cause: error,
      },
    );
  }
}
