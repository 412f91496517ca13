import { pino } from 'pino';
import type { Logger } from 'pino';

export const silentLogger: Logger = pino({ level: 'silent' });
