/** Anything with `write(string)`: a Node stream in `main.ts`, a string collector in tests. */
export interface CliOutput {
  write(chunk: string): unknown;
}

/**
 * Everything a command may touch in the outside world. Only `main.ts` builds this from `process`;
 * tests pass temp dirs, collected streams and their own signal.
 */
export interface CliIo {
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  readonly stdin: NodeJS.ReadableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Aborted on Ctrl-C / SIGTERM: long-running commands (`serve`, `executor`, `up`) stop cleanly. */
  readonly signal: AbortSignal;
  readonly fetch: typeof fetch;
  readonly now: () => Date;
  readonly randomBytes: (size: number) => Uint8Array;
  /**
   * The node binary and the bin script running us (absolute), so printed commands can say how to
   * start us again (`selfCommand`); absent in tests and when embedded.
   */
  readonly self?: { readonly node: string; readonly script: string };
}
