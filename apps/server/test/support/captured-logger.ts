import { Writable } from 'node:stream';

import { pino } from 'pino';
import type { Logger } from 'pino';

export interface CapturedLogger {
  readonly logger: Logger;
  /** Every JSON line written so far, parsed. */
  lines(): Record<string, unknown>[];
}

/** A real pino logger whose lines are kept in memory (synchronously), for assertions on logs. */
export const captureLogger = (level: 'debug' | 'info' | 'warn' = 'info'): CapturedLogger => {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { logger: pino({ level }, stream), lines: () => [...lines] };
};
