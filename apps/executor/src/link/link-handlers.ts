import type { ExecutorFrame } from '@kubently/protocol';

/** What a transport (SSE or long-poll) reports to the executor. */
export interface LinkHandlers {
  /** The server accepted this executor (stream opened or a poll answered after an outage). */
  onConnected(): void;
  onFrame(frame: ExecutorFrame): void;
  onDisconnected(reason: string): void;
}
