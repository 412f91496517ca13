import { Writable } from 'node:stream';

import type { CliOutput } from '../cli-io.js';

/**
 * The stream readline writes its prompt and echo to. Muted while the agent answers, so keys typed
 * meanwhile do not land in the middle of the answer (readline still sees them: Ctrl-C cancels).
 * Mirrors the terminal's `isTTY`/`columns` so readline lays out lines correctly.
 */
export class MuteOutput extends Writable {
  isMuted = false;
  readonly #target: CliOutput;

  constructor(target: CliOutput) {
    super({ decodeStrings: false });
    this.#target = target;
    const emitter = target as { on?: (event: string, listener: () => void) => unknown };
    if (typeof emitter.on === 'function') emitter.on('resize', () => this.emit('resize'));
  }

  get isTTY(): boolean {
    return (this.#target as { isTTY?: unknown }).isTTY === true;
  }

  get columns(): number | undefined {
    const columns = (this.#target as { columns?: unknown }).columns;
    return typeof columns === 'number' ? columns : undefined;
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.isMuted) this.#target.write(typeof chunk === 'string' ? chunk : String(chunk));
    callback();
  }
}
