import { randomUUID } from 'node:crypto';

/** Generates opaque ids (commands, sessions, audit records); injected so tests get stable ids. */
export interface IdGenerator {
  next(): string;
}

export const uuidGenerator: IdGenerator = { next: () => randomUUID() };
