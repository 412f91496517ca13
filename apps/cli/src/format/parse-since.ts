import { KubentlyError } from '../kubently-error.js';

const unitMs = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `30m`, `2h`, `1d`, `45s` (relative to `now`) or an ISO date-time; returns an ISO string. */
export function parseSince(raw: string, now: Date): string {
  const relative = /^(\d+)([smhd])$/.exec(raw);
  if (relative !== null) {
    const amount = Number(relative[1]);
    const unit = relative[2] as keyof typeof unitMs;
    return new Date(now.getTime() - amount * unitMs[unit]).toISOString();
  }
  const date = new Date(raw);
  if (/^\d{4}-\d{2}-\d{2}/.test(raw) && !Number.isNaN(date.getTime())) return date.toISOString();
  throw new KubentlyError(
    'usage',
    `--since must be a duration like 30m, 2h, 1d or an ISO date like 2026-01-31T12:00:00Z; got "${raw}"`,
  );
}
