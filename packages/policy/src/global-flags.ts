import { defineFlags } from './flag-spec.js';

/**
 * kubectl's persistent flags that are safe for every verb. Every other global flag is either
 * always rejected (see always-rejected-flags.ts) or unknown, and unknown flags are denied.
 */
export const globalFlags = defineFlags(
  'n,namespace=',
  'request-timeout=',
  'match-server-version',
  'disable-compression',
  'warnings-as-errors',
);
