export interface CappedOutput {
  readonly text: string;
  readonly isTruncated: boolean;
}

/**
 * Keeps at most `maxChars` characters, cut at a line boundary, and appends an explicit marker that
 * says what was dropped and how to narrow the query. `keep: 'tail'` keeps the end (logs: the newest
 * lines matter most).
 */
export function capOutput(text: string, maxChars: number, keep: 'head' | 'tail', hint: string): CappedOutput {
  if (text.length <= maxChars) return { text, isTruncated: false };
  const totalLines = text.split('\n').length;
  let kept = keep === 'head' ? text.slice(0, maxChars) : text.slice(text.length - maxChars);
  if (keep === 'head') {
    const cut = kept.lastIndexOf('\n');
    if (cut > maxChars / 2) kept = kept.slice(0, cut + 1);
  } else {
    const cut = kept.indexOf('\n');
    if (cut !== -1 && cut < maxChars / 2) kept = kept.slice(cut + 1);
  }
  const keptLines = kept.split('\n').length;
  const where = keep === 'head' ? 'first' : 'last';
  const marker =
    `[OUTPUT TRUNCATED: showing the ${where} ${kept.length} of ${text.length} characters ` +
    `(about ${keptLines} of ${totalLines} lines). ${hint}]`;
  return {
    text: keep === 'head' ? `${kept}${kept.endsWith('\n') ? '' : '\n'}${marker}\n` : `${marker}\n${kept}`,
    isTruncated: true,
  };
}
