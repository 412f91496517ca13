import type { AuditRecord } from '@kubently/protocol';

const csvColumns = [
  'at',
  'identity',
  'role',
  'clusterId',
  'argv',
  'decision',
  'outcome',
  'exitCode',
  'durationMs',
  'reason',
  'source',
  'correlationId',
] as const;

const csvCell = (value: unknown): string => {
  const text = Array.isArray(value)
    ? value.join(' ')
    : typeof value === 'string' || typeof value === 'number'
      ? String(value)
      : '';
  // A leading = + - @ would be a formula in a spreadsheet: quote it as text.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
};

export const toCsv = (records: readonly AuditRecord[]): string =>
  [
    csvColumns.join(','),
    ...records.map((record) => csvColumns.map((column) => csvCell(record[column])).join(',')),
  ].join('\n') + '\n';
