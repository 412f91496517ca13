/** The limits the ledger enforces, as named in errors (`details.limit`) and docs/api.md. */
export type QuotaLimit =
  'commands-in-flight-per-identity' | 'result-bytes-per-identity' | 'result-bytes-total';

/** One command asking for an in-flight slot of its caller's identity. */
export interface QuotaRequest {
  readonly identity: string;
  readonly commandId: string;
  /**
   * When the slot frees itself if it is never released (the replica that held the command died):
   * the last moment the command can still be open.
   */
  readonly releaseAt: number;
  readonly maxInFlight: number;
  readonly maxResultBytesPerIdentity: number;
  readonly maxResultBytesTotal: number;
}

export type QuotaAdmission =
  | { readonly type: 'admitted' }
  | {
      readonly type: 'refused';
      readonly limit: QuotaLimit;
      readonly max: number;
      readonly current: number;
      /** Epoch ms by which the usage is certain to drop (the earliest slot or result to expire). */
      readonly retryAt: number;
    };

export interface QuotaUsage {
  /** Open commands of the identity (queued or running) that hold a slot. */
  readonly inFlight: number;
  /** Bytes of the identity's finished results still kept. */
  readonly resultBytes: number;
  /** Bytes of everyone's finished results still kept. */
  readonly resultBytesTotal: number;
}

/**
 * Per-identity command slots and the bytes of retained results, shared by every replica. Crash
 * safe without a sweeper: a slot is scored by its `releaseAt` and a retained result by its expiry,
 * and both are forgotten once that time has passed, so a replica that died holding slots cannot
 * lock its callers out for longer than their commands could have lived.
 */
export interface QuotaLedger {
  /**
   * Atomically forgets what has expired, then takes a slot for the command unless a limit is
   * reached, checked in this order: in-flight, the identity's result bytes, the total result bytes.
   * A byte limit refuses once the kept bytes reach it (a command admitted just below it may finish
   * above it: results are never cut or dropped). Admitting a command twice takes one slot.
   */
  admit(request: QuotaRequest): Promise<QuotaAdmission>;
  /** Frees the command's slot; a no-op when it holds none. */
  release(identity: string, commandId: string): Promise<void>;
  /**
   * Counts a finished command's result bytes for its identity and in total until `expiresAt` (its
   * result TTL); a second call for the same command changes nothing.
   */
  retain(identity: string, commandId: string, bytes: number, expiresAt: number): Promise<void>;
  usage(identity: string): Promise<QuotaUsage>;
}
