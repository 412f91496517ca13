import type { Command, CommandFailure, CommandResult, Role } from '@kubently/protocol';

/** Which surface sent a command (audit `source`): REST, seed aliases, the agent (A2A, ask_kubently), MCP tools. */
export const commandSources = ['rest', 'seed', 'agent', 'mcp', 'diagnosis'] as const;
export type CommandSource = (typeof commandSources)[number];
export type TerminalStatus = 'succeeded' | 'failed';
export const recordStatuses = ['queued', 'running', 'succeeded', 'failed'] as const;
export type RecordStatus = (typeof recordStatuses)[number];

/** Who asked, kept with the command so whichever replica finishes it can write the audit record. */
export interface CommandOrigin {
  readonly identity: string;
  /** The X-Service-Identity the caller asserted, recorded in the audit beside the identity. */
  readonly serviceIdentity?: string | undefined;
  readonly role: Role;
  readonly source: CommandSource;
}

export interface CommandRecord {
  readonly command: Command;
  readonly origin: CommandOrigin;
  readonly status: RecordStatus;
  readonly createdAt: number;
  readonly deliveredTo: string | null;
  /** The first result an executor posted, when it arrived before the command was finished. */
  readonly result: CommandResult | null;
  /** Set when the server ended the command itself (timeout, executor lost, never delivered). */
  readonly failure: CommandFailure | null;
  readonly finishedAt: number | null;
  readonly acked: boolean;
}

export interface ServerFailure {
  readonly failure: CommandFailure;
  readonly at: number;
}

/** One terminal transition: which record it produced and whether this call made it. */
export interface AckOutcome {
  readonly record: CommandRecord;
  readonly duplicate: boolean;
  /** True when this ack finished the command (it was still queued or running). */
  readonly finished: boolean;
}

/**
 * Command records and results with a TTL: a record lives for its timeout plus the result TTL, and
 * for the result TTL after it finishes. Terminal transitions happen once (first writer wins);
 * `onFinished` fires for each, on every replica (Redis: pub/sub), so any replica can wake its caller.
 */
export interface CommandStore {
  create(command: Command, origin: CommandOrigin): Promise<CommandRecord>;
  get(id: string): Promise<CommandRecord | null>;
  /** queued → running; a no-op for any other status. */
  markDelivered(id: string, executorId: string): Promise<void>;
  /** Ends a queued or running command with a server-side failure; null if it had already ended. */
  fail(id: string, failure: ServerFailure): Promise<CommandRecord | null>;
  /**
   * Records an executor's result. The first result of an unfinished command finishes it; a result
   * for a command the server already ended is acked but changes nothing. Null for an unknown id.
   */
  acknowledge(id: string, result: CommandResult, at: number): Promise<AckOutcome | null>;
  onFinished(listener: (record: CommandRecord) => void): () => void;
  /** Deletes expired records; returns how many. */
  sweep(): Promise<number>;
}

export const statusOfResult = (result: CommandResult): TerminalStatus =>
  result.exitCode === 0 && result.failure === undefined ? 'succeeded' : 'failed';
