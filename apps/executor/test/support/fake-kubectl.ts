import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface FakeKubectlInvocation {
  readonly pid: number;
  readonly argv: string[];
  readonly envKeys: string[];
  readonly grandchildPid?: number;
}

export interface FakeKubectl {
  /** Executable to use as kubectl (a wrapper that tells the stand-in where to log). */
  readonly path: string;
  readonly logFile: string;
  invocations(): FakeKubectlInvocation[];
}

const fixture = fileURLToPath(new URL('../../../../test/fixtures/fake-kubectl.mjs', import.meta.url));

/** Writes a wrapper around test/fixtures/fake-kubectl.mjs (the kubectl binary's test double). */
export function createFakeKubectl(): FakeKubectl {
  const dir = mkdtempSync(join(tmpdir(), 'kubently-fake-kubectl-'));
  const logFile = join(dir, 'invocations.jsonl');
  writeFileSync(logFile, '');
  const path = join(dir, 'kubectl');
  writeFileSync(
    path,
    `#!/bin/sh\nFAKE_KUBECTL_LOG='${logFile}' exec '${process.execPath}' '${fixture}' "$@"\n`,
  );
  chmodSync(path, 0o755);
  return {
    path,
    logFile,
    invocations: () =>
      readFileSync(logFile, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as FakeKubectlInvocation),
  };
}
