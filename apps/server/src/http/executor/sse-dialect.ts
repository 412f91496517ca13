import type { CancelFrame, Command, ConnectedFrame, SeedCommandFrame } from '@kubently/protocol';

import type { SessionNotice } from '../../executors/executor-link.js';

/** How frames are written on one stream: `/v1` frames or the seed executor's shapes. */
export interface SseDialect {
  connected(frame: ConnectedFrame): string;
  command(command: Command): string;
  /** Null: this dialect has no such frame. */
  notice(frame: SessionNotice): string | null;
  /** Null: this dialect cannot cancel a delivered command. */
  cancel(frame: CancelFrame): string | null;
  keepalive(isoTime: string): string;
}

export const v1Dialect: SseDialect = {
  connected: (frame) => `event: connected\ndata: ${JSON.stringify(frame)}\n\n`,
  command: (command) =>
    `event: command\nid: ${command.id}\ndata: ${JSON.stringify({ type: 'command', command })}\n\n`,
  notice: (frame) => `event: ${frame.type}\ndata: ${JSON.stringify(frame)}\n\n`,
  cancel: (frame) => `event: cancel\ndata: ${JSON.stringify(frame)}\n\n`,
  keepalive: (isoTime) => `: keepalive ${isoTime}\n\n`,
};

export const seedDialect: SseDialect = {
  connected: (frame) =>
    `event: connected\ndata: ${JSON.stringify({ status: 'connected', cluster_id: frame.clusterId })}\n\n`,
  command: (command) => {
    const frame: SeedCommandFrame = {
      id: command.id,
      args: command.args,
      timeout: command.timeoutSeconds,
      correlation_id: command.correlationId,
    };
    return `event: command\nid: ${command.id}\ndata: ${JSON.stringify(frame)}\n\n`;
  },
  notice: () => null,
  cancel: () => null,
  keepalive: (isoTime) => `event: keepalive\ndata: ${JSON.stringify({ timestamp: isoTime })}\n\n`,
};
