import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { parseAllDocuments, stringify } from 'yaml';

const execFileAsync = promisify(execFile);
export const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const chartDir = join(repositoryRoot, 'deploy/helm/kubently');

/** A rendered Kubernetes object. */
export interface RenderedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
  };
  readonly [key: string]: unknown;
}

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command and returns its exit code and output (never throws for a non-zero exit). */
export async function runCommand(
  file: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      [...args],
      { env: options.env ?? process.env, maxBuffer: 64 * 1024 * 1024, timeout: options.timeoutMs ?? 300_000 },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          reject(new Error(`${file} did not run: ${error.message}`, { cause: error }));
          return;
        }
        resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** The cached Helm CLI (deploy/helm/build.sh builds it when missing: never skipped). */
export async function helmBinary(): Promise<string> {
  const { stdout } = await execFileAsync('bash', [join(repositoryRoot, 'deploy/helm/build.sh')], {
    maxBuffer: 1024 * 1024,
    timeout: 3_600_000,
  });
  return stdout.trim();
}

/** Parses multi-document YAML into objects (empty documents dropped). */
export function parseObjects(text: string): RenderedObject[] {
  return parseAllDocuments(text)
    .map((document) => document.toJS() as RenderedObject | null)
    .filter((object): object is RenderedObject => object !== null);
}

/** `helm <command> kubently <chart> -n <namespace> -f <values>`: values written to a temp file. */
export async function helmWithValues(
  helm: string,
  command: readonly string[],
  values: Record<string, unknown>,
  options: { namespace?: string; env?: NodeJS.ProcessEnv; extraArgs?: readonly string[] } = {},
): Promise<CommandResult> {
  const dir = await mkdtemp(join(tmpdir(), 'kubently-helm-values-'));
  try {
    const file = join(dir, 'values.yaml');
    await writeFile(file, stringify(values));
    return await runCommand(
      helm,
      [...command, '-n', options.namespace ?? 'kubently', '-f', file, ...(options.extraArgs ?? [])],
      options.env === undefined ? {} : { env: options.env },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `helm template kubently deploy/helm/kubently` with `values`; throws with helm's message on failure. */
export async function renderChart(
  helm: string,
  values: Record<string, unknown>,
  namespace = 'kubently',
): Promise<RenderedObject[]> {
  const result = await helmWithValues(helm, ['template', 'kubently', chartDir], values, { namespace });
  if (result.code !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return parseObjects(result.stdout);
}
