import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';

import type { CliIo } from '../../src/cli-io.js';

export interface TestIo extends CliIo {
  readonly out: () => string;
  readonly err: () => string;
}

export interface TestIoOptions {
  readonly env?: Record<string, string | undefined>;
  readonly cwd?: string;
  readonly signal?: AbortSignal;
  readonly now?: () => Date;
}

/** Collected stdout/stderr, an empty stdin and an env holding only what the test gives. */
export function createTestIo(options: TestIoOptions = {}): TestIo {
  let stdout = '';
  let stderr = '';
  return {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    stdin: Readable.from([]),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    signal: options.signal ?? new AbortController().signal,
    fetch: (input, init) => fetch(input, init),
    now: options.now ?? (() => new Date()),
    randomBytes: (size) => randomBytes(size),
    out: () => stdout,
    err: () => stderr,
  };
}

export async function makeTempDir(prefix = 'kubently-cli-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}
