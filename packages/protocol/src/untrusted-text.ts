/**
 * Delimiters around cluster data a model reads (the agent's tool results, MCP tool results). The
 * agent's system prompt and the MCP tool descriptions say that text between them is data, never
 * instructions. Anything a workload controls (logs, events, termination messages, annotations,
 * kubectl stderr, executor-reported strings) reaches a model only inside one of these blocks.
 */
export const untrustedStart = '<<<TOOL_OUTPUT untrusted cluster data>>>';
export const untrustedEnd = '<<<END_TOOL_OUTPUT>>>';

/** What replaces text that reads like one of the markers. */
export const markerLookalikeReplacement = '[marker removed]';

/**
 * Characters that render as nothing or reorder what is shown (format characters such as zero-width
 * spaces and joiners, bidi controls, the BOM, tag characters, variation selectors, Hangul fillers):
 * a marker lookalike can hide behind them, so they are shown as escapes.
 */
const invisible =
  // eslint-disable-next-line no-misleading-character-class -- invisible code points on purpose, combining ones among them
  /[\p{Cf}\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0\u{e0100}-\u{e01ef}]/u;
/** C0 controls (tab and newline kept), DEL, C1 controls, and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const control = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

const leftAngles = new Set('<‹«≪⋘＜﹤⟨〈〈❮❬⧼ᐸ˂');
const rightAngles = new Set('>›»≫⋙＞﹥⟩〉〉❯❭⧽ᐳ˃');

/**
 * Letters from other scripts (and digits) that read as the Latin letters of the markers' words,
 * after compatibility decomposition and lower-casing.
 */
// prettier-ignore
const confusables: Readonly<Record<string, string>> = {
  '0': 'o', о: 'o', ο: 'o', ᴏ: 'o', օ: 'o', ߋ: 'o', σ: 'o',
  т: 't', τ: 't', ᴛ: 't',
  '1': 'l', i: 'l', '|': 'l', ı: 'l', ӏ: 'l', ι: 'l', ɩ: 'l', і: 'l', ǀ: 'l', ⅼ: 'l',
  υ: 'u', ս: 'u', ᴜ: 'u', ц: 'u',
  р: 'p', ρ: 'p', ᴘ: 'p',
  е: 'e', ε: 'e', ҽ: 'e', ᴇ: 'e',
  п: 'n', η: 'n', ո: 'n', ɴ: 'n', ν: 'n',
  ԁ: 'd', ᑯ: 'd',
};

/** A code point as the marker matcher sees it: '' for invisible characters, else a folded letter run. */
const foldCodePoint = (char: string): string => {
  if (invisible.test(char) || control.test(char)) return '';
  if (leftAngles.has(char)) return '<';
  if (rightAngles.has(char)) return '>';
  const base = char.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  let folded = '';
  for (const part of base) folded += confusables[part] ?? part;
  return folded;
};

/** Folding is per code point, and text repeats few of them: remember each answer (bounded). */
const foldCache = new Map<string, string>();
const foldCached = (char: string): string => {
  let folded = foldCache.get(char);
  if (folded === undefined) {
    folded = foldCodePoint(char);
    if (foldCache.size < 10_000) foldCache.set(char, folded);
  }
  return folded;
};

interface Folded {
  readonly text: string;
  /** Source offset where the code point behind a UTF-16 unit of `text` starts, and where it ends. */
  readonly startOf: (index: number) => number;
  readonly endOf: (index: number) => number;
}

const plainAscii = /^[\t\n\x20-\x7e]*$/;

const fold = (source: string): Folded => {
  // Printable ASCII folds one unit to one unit: the offsets are the same on both sides.
  if (plainAscii.test(source)) {
    const text = source.toLowerCase().replace(/[01i|]/g, (char) => confusables[char] ?? char);
    return { text, startOf: (index) => index, endOf: (index) => index + 1 };
  }
  const parts: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let offset = 0;
  for (const char of source) {
    const folded = foldCached(char);
    for (let unit = 0; unit < folded.length; unit += 1) {
      starts.push(offset);
      ends.push(offset + char.length);
    }
    parts.push(folded);
    offset += char.length;
  }
  return {
    text: parts.join(''),
    startOf: (index) => starts[index] ?? source.length,
    endOf: (index) => ends[index] ?? source.length,
  };
};

/**
 * The words of the markers ("TOOL_OUTPUT", "END_TOOL_OUTPUT") in any case, with up to three
 * separators (spaces, punctuation, invisible characters) between letters, in compatibility forms
 * (full-width, mathematical) and with the usual Cyrillic and Greek homoglyphs.
 */
const between = '[^a-z0-9]{0,3}';
const markerWords = new RegExp(
  `(?:e${between}n${between}d${between})?${'tooloutput'.split('').join(between)}`,
  'g',
);
/** Three or more angle brackets in a row (`<<<`, `‹‹‹`, `＜ ＜ ＜`): the markers' own brackets. */
const angleRun = /([<>])(?:[^\S\n]{0,2}[<>]){2,}/g;

interface Span {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

const spansOf = (folded: Folded, pattern: RegExp, replace: (match: string) => string): Span[] =>
  [...folded.text.matchAll(pattern)].map((match) => ({
    start: folded.startOf(match.index),
    end: folded.endOf(match.index + match[0].length - 1),
    text: replace(match[0]),
  }));

const applySpans = (source: string, spans: readonly Span[]): string => {
  const parts: string[] = [];
  let at = 0;
  for (const span of spans) {
    parts.push(source.slice(at, span.start), span.text);
    at = span.end;
  }
  parts.push(source.slice(at));
  return parts.join('');
};

/** The run holds only ASCII `<` and `>` (and spaces): one code unit per character. */
const spacedOut = (run: string): string => run.replace(/\s/g, '').split('').join(' ');

const escapeChar = (char: string): string => {
  const code = char.codePointAt(0) ?? 0;
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : code <= 0xffff
      ? `\\u${code.toString(16).padStart(4, '0')}`
      : `\\u{${code.toString(16)}}`;
};

// eslint-disable-next-line no-misleading-character-class -- built from `invisible` and `control` above
const visibleEverywhere = new RegExp(`${invisible.source}|${control.source}`, 'gu');

/**
 * Makes cluster text safe to place inside an untrusted block: text that reads like a marker (any
 * case, spacing, full-width or homoglyph spelling, split by zero-width characters) is replaced by
 * `[marker removed]`, runs of three or more angle brackets are spaced out (`< < <`), and control,
 * zero-width and bidi characters are shown as escapes (`\x1b`, `\u200b`, `\u202e`). Everything
 * else is kept as it was. Idempotent.
 */
export function defuseUntrusted(text: string): string {
  let result = text.replaceAll('\r\n', '\n');
  let folded = fold(result);
  // Removing a lookalike could join its neighbours into a new one: fold again until none is left
  // (the replacement's own letters break any chain, so one more pass is the most this takes).
  for (let pass = 0; pass < 4; pass += 1) {
    const markers = spansOf(folded, markerWords, () => markerLookalikeReplacement);
    if (markers.length === 0) break;
    result = applySpans(result, markers);
    folded = fold(result);
  }
  result = applySpans(result, spansOf(folded, angleRun, spacedOut));
  return result.replace(visibleEverywhere, escapeChar);
}

/** Wraps cluster text in the untrusted markers, defused so it cannot close the block early. */
export function wrapUntrusted(text: string): string {
  const defused = defuseUntrusted(text);
  const newline = defused.endsWith('\n') || defused === '' ? '' : '\n';
  return `${untrustedStart}\n${defused}${newline}${untrustedEnd}`;
}
