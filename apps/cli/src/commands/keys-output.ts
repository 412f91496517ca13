import type { IssuedKey, KeyRecord } from '@kubently/protocol';

import type { CliIo } from '../cli-io.js';
import { escapeTerminal, renderTable, writeDocument } from '../format/index.js';
import type { DocumentFormat } from '../format/index.js';

export const keyHeader = ['IDENTITY', 'ROLE', 'CLUSTERS', 'SERVICES', 'SOURCE', 'EXPIRES', 'LAST USED'];

export const keyCells = (key: KeyRecord): string[] => [
  escapeTerminal(key.identity),
  key.role,
  key.clusters === null ? '*' : key.clusters.join(','),
  key.serviceIdentities === null ? '*' : escapeTerminal(key.serviceIdentities.join(',')),
  key.source,
  key.expiresAt ?? 'never',
  key.lastUsedAt ?? '-',
];

export const keyRows = (keys: readonly KeyRecord[]): string => renderTable(keyHeader, keys.map(keyCells));

/** A new key is printed once: as JSON `{"key": ..., ...record}`, or the key with how to use it. */
export const printIssuedKey = (io: CliIo, issued: IssuedKey, format: DocumentFormat, url: string): void => {
  const { key, ...record } = issued;
  if (writeDocument(io.stdout, format, { key, ...record })) return;
  io.stdout.write(keyRows([record]));
  io.stdout.write(`\nKey (shown once; the server keeps only its hash):\n  ${key}\n`);
  io.stdout.write(`Use it:  KUBENTLY_API_URL=${url} KUBENTLY_API_KEY=${key} kubently clusters list\n`);
  if (record.previousKeyExpiresAt !== null) {
    io.stdout.write(`The previous key keeps working until ${record.previousKeyExpiresAt}.\n`);
  }
};
