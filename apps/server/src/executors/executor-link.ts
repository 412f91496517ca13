import type { CancelFrame, Command, SessionEndedFrame, SessionStartedFrame } from '@kubently/protocol';

export type SessionNotice = SessionStartedFrame | SessionEndedFrame;

/** One live connection of an executor process: an SSE stream or one pending long-poll request. */
export interface ExecutorLink {
  readonly clusterId: string;
  readonly executorId: string;
  readonly transport: 'sse' | 'poll';
  /** False once the link takes no more frames (stream closed, poll answered). */
  readonly isOpen: boolean;
  sendCommands(commands: readonly Command[]): void;
  sendNotice(frame: SessionNotice): void;
  /** Asks the executor to stop a command it was given; a link that cannot carry it drops it. */
  sendCancel(frame: CancelFrame): void;
  /** Server-side close (shutdown, cluster removed); the link then detaches itself. */
  close(): void;
}
