import { defuseUntrusted, scrubSecrets } from '@kubently/protocol';

const maxQuote = 200;

/**
 * A log line made safe to quote as evidence: secrets redacted (tokens, passwords in URLs and in
 * key=value pairs), tabs flattened, control and invisible characters escaped, marker lookalikes
 * removed, and cut to 200 characters. Log text is written by the workload: untrusted.
 */
export const quoteLogLine = (line: string): string => {
  const flat = scrubSecrets(line.replace(/[\t\n\r]+/g, ' ')).text.trim();
  const safe = defuseUntrusted(flat);
  return safe.length <= maxQuote ? safe : `${safe.slice(0, maxQuote - 1)}…`;
};
