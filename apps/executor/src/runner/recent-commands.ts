import type { CommandResult } from '@kubently/protocol';

export type RecentCommand =
  { readonly type: 'running' } | { readonly type: 'finished'; readonly result: CommandResult | null };

/**
 * Command ids this executor started, most recent last, so a redelivered id never runs twice.
 * Finished entries keep their result (for re-posting) only for the newest `maxResults` commands.
 */
export class RecentCommands {
  readonly #entries = new Map<string, RecentCommand>();
  readonly #maxIds: number;
  readonly #maxResults: number;
  #resultsHeld = 0;

  constructor(options: { maxIds: number; maxResults: number }) {
    this.#maxIds = options.maxIds;
    this.#maxResults = options.maxResults;
  }

  get(id: string): RecentCommand | undefined {
    return this.#entries.get(id);
  }

  markRunning(id: string): void {
    this.#set(id, { type: 'running' });
  }

  markFinished(id: string, result: CommandResult): void {
    this.#set(id, { type: 'finished', result });
    this.#resultsHeld += 1;
    if (this.#resultsHeld <= this.#maxResults) return;
    for (const [key, entry] of this.#entries) {
      if (entry.type === 'finished' && entry.result !== null) {
        this.#entries.set(key, { type: 'finished', result: null });
        this.#resultsHeld -= 1;
        break;
      }
    }
  }

  #set(id: string, entry: RecentCommand): void {
    const previous = this.#entries.get(id);
    if (previous?.type === 'finished' && previous.result !== null) this.#resultsHeld -= 1;
    this.#entries.delete(id);
    this.#entries.set(id, entry);
    while (this.#entries.size > this.#maxIds) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      const evicted = this.#entries.get(oldest.value);
      if (evicted?.type === 'finished' && evicted.result !== null) this.#resultsHeld -= 1;
      this.#entries.delete(oldest.value);
    }
  }
}
