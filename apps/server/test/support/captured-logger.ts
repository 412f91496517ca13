import { Writable } from 'node:stream';

import { pino } from 'pino';
import type { Logger } from 'pino';

import { z } from 'zod';

/** A JSON log line as pino writes it. */
const logLineSchema = z.record(z.string(), z.unknown());

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
        if (line.trim() !== '') lines.push(logLineSchema.parse(JSON.parse(line)));
      }
      done();
    },
  });
  return { logger: pino({ level }, stream), lines: () => [...lines] };
};
