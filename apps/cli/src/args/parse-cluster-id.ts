import { clusterIdSchema } from '@kubently/protocol';

import { KubentlyError } from '../kubently-error.js';

/** Checked before any network call so the message names the argument. */
export function parseClusterId(raw: string): string {
  const parsed = clusterIdSchema.safeParse(raw);
  if (!parsed.success) {
    throw new KubentlyError(
      'usage',
      `invalid cluster id "${raw}": ${parsed.error.issues[0]?.message ?? 'not a DNS label'}`,
    );
  }
  return parsed.data;
}
