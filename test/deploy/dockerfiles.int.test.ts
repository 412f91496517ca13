import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';

/**
 * The Dockerfiles, checked without a Docker engine: the dockerfile-utils linter (the parser and
 * validator behind the Dockerfile language server) and the properties the images promise.
 */
const execFileAsync = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const linter = `${root}node_modules/.bin/dockerfile-utils`;

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

/** Instructions with continuation lines joined, comments dropped. */
function instructions(text: string): Instruction[] {
  const joined = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

async function lint(path: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(linter, ['lint', path]);
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

describe.each(['server', 'executor'] as const)('deploy/docker/%s.Dockerfile', (app) => {
  const path = `${root}deploy/docker/${app}.Dockerfile`;

  it('passes the linter', async () => {
    const result = await lint(path);
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });

  it('is multi-stage: builds, then copies only the production bundle of this app', async () => {
    const steps = instructions(await readFile(path, 'utf8'));
    expect(steps.filter((step) => step.keyword === 'FROM').length).toBeGreaterThanOrEqual(2);
    const run = steps.find((step) => step.keyword === 'RUN' && step.args.includes('bundle.sh'));
    expect(run?.args).toContain(`bash deploy/docker/bundle.sh ${app} /bundle`);
    const lastFrom = steps.map((step) => step.keyword).lastIndexOf('FROM');
    const final = steps.slice(lastFrom);
    expect(final).toContainEqual({ keyword: 'COPY', args: '--from=build /bundle /app' });
    expect(final.filter((step) => step.keyword === 'RUN')).toEqual([]);
    expect(final.find((step) => step.keyword === 'ENTRYPOINT')?.args).toBe(
      `["node", "/app/apps/${app}/dist/main.js"]`,
    );
  });

  it('runs as a numeric non-root user and writes only under TMPDIR', async () => {
    const steps = instructions(await readFile(path, 'utf8'));
    const users = steps.filter((step) => step.keyword === 'USER');
    expect(users.at(-1)?.args).toMatch(/^[1-9]\d{3,}:[1-9]\d{3,}$/);
    expect(steps.find((step) => step.keyword === 'ENV')?.args).toContain('TMPDIR=/tmp');
  });

  it('pins its base image (no latest) and carries the OCI labels', async () => {
    const text = await readFile(path, 'utf8');
    expect(text).toMatch(/^ARG NODE_IMAGE=node:\d+\.\d+\.\d+-[a-z]+-slim$/m);
    expect(text).not.toMatch(/:latest\b/);
    for (const label of ['title', 'description', 'version', 'revision', 'created', 'licenses', 'source'])
      expect(text).toContain(`org.opencontainers.image.${label}=`);
  });
});

describe('the executor image kubectl', () => {
  it('is pinned by version and sha256, and is the one KUBENTLY_KUBECTL names', async () => {
    const text = await readFile(`${root}deploy/docker/executor.Dockerfile`, 'utf8');
    expect(text).toMatch(/^ARG KUBECTL_VERSION=v1\.\d+\.\d+$/m);
    expect(text).toMatch(/^ARG KUBECTL_SHA256=[0-9a-f]{64}$/m);
    expect(text).toMatch(
      /ADD --chmod=0755 --checksum=sha256:\$\{KUBECTL_SHA256\} \S+\/\$\{KUBECTL_VERSION\}\/bin\/linux\/amd64\/kubectl/,
    );
    expect(text).toContain('KUBENTLY_KUBECTL=/usr/local/bin/kubectl');
    expect(text).toContain('COPY --from=kubectl /kubectl /usr/local/bin/kubectl');
  });
});

describe('the linter', () => {
  it('fails a broken Dockerfile (so the checks above can fail)', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(`${tmpdir()}/kubently-dockerfile-`);
    await writeFile(`${dir}/Dockerfile`, 'FROM node:22 AS a\nUSER\nFROM node:22 AS a\n');
    const result = await lint(`${dir}/Dockerfile`);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('Instruction has no arguments');
    expect(result.output).toContain('duplicate name a');
  });
});
