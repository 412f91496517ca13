import type { Command, CommandResult } from '@kubently/protocol';

import type { Clock } from '../../support/clock.js';
import { statusOfResult } from '../command-store.js';
import type {
  AckOutcome,
  CommandOrigin,
  CommandRecord,
  CommandStore,
  ServerFailure,
} from '../command-store.js';

interface Entry {
  record: CommandRecord;
  expiresAt: number;
}

export class MemoryCommandStore implements CommandStore {
  readonly #entries = new Map<string, Entry>();
  readonly #listeners = new Set<(record: CommandRecord) => void>();
  readonly #clock: Clock;
  readonly #resultTtlMs: number;

  constructor(clock: Clock, resultTtlMs: number) {
    this.#clock = clock;
    this.#resultTtlMs = resultTtlMs;
  }

  create(command: Command, origin: CommandOrigin): Promise<CommandRecord> {
    const now = this.#clock.now();
    const record: CommandRecord = {
      command,
      origin,
      status: 'queued',
      createdAt: now,
      deliveredTo: null,
      result: null,
      failure: null,
      finishedAt: null,
      acked: false,
    };
    this.#entries.set(command.id, {
      record,
      expiresAt: now + command.timeoutSeconds * 1000 + this.#resultTtlMs,
    });
    return Promise.resolve(record);
  }

  get(id: string): Promise<CommandRecord | null> {
    return Promise.resolve(this.#live(id)?.record ?? null);
  }

  markDelivered(id: string, executorId: string): Promise<void> {
    const entry = this.#live(id);
    if (entry?.record.status === 'queued') {
      entry.record = { ...entry.record, status: 'running', deliveredTo: executorId };
    }
    return Promise.resolve();
  }

  fail(id: string, { failure, at }: ServerFailure): Promise<CommandRecord | null> {
    const entry = this.#live(id);
    if (entry === undefined || !isOpen(entry.record)) return Promise.resolve(null);
    entry.record = { ...entry.record, status: 'failed', failure, finishedAt: at };
    entry.expiresAt = at + this.#resultTtlMs;
    this.#emit(entry.record);
    return Promise.resolve(entry.record);
  }

  acknowledge(id: string, result: CommandResult, at: number): Promise<AckOutcome | null> {
    const entry = this.#live(id);
    if (entry === undefined) return Promise.resolve(null);
    if (entry.record.acked)
      return Promise.resolve({ record: entry.record, duplicate: true, finished: false });
    if (!isOpen(entry.record)) {
      entry.record = { ...entry.record, acked: true };
      return Promise.resolve({ record: entry.record, duplicate: false, finished: false });
    }
    entry.record = {
      ...entry.record,
      status: statusOfResult(result),
      result,
      finishedAt: at,
      acked: true,
    };
    entry.expiresAt = at + this.#resultTtlMs;
    this.#emit(entry.record);
    return Promise.resolve({ record: entry.record, duplicate: false, finished: true });
  }

  onFinished(listener: (record: CommandRecord) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  sweep(): Promise<number> {
    const now = this.#clock.now();
    let removed = 0;
    for (const [id, entry] of this.#entries) {
      if (entry.expiresAt <= now) {
        this.#entries.delete(id);
        removed += 1;
      }
    }
    return Promise.resolve(removed);
  }

  #live(id: string): Entry | undefined {
    const entry = this.#entries.get(id);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.#clock.now()) {
      this.#entries.delete(id);
      return undefined;
    }
    return entry;
  }

  #emit(record: CommandRecord): void {
    for (const listener of this.#listeners) listener(record);
  }
}

const isOpen = (record: CommandRecord): boolean => record.status === 'queued' || record.status === 'running';
