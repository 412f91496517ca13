/**
 * Characters a terminal acts on or that change what a line appears to say: C0 controls (ESC starts
 * CSI and OSC sequences: cursor moves, screen clears, window titles, OSC 52 clipboard writes; CR
 * overwrites a line), DEL, C1 controls (0x9b is a one-byte CSI, 0x9d a one-byte OSC on some
 * terminals), the Unicode line and paragraph separators, and the bidi controls that reorder text
 * (U+061C, U+200E/F, U+202A-202E, U+2066-2069). Tab and newline are kept by `escapeTerminalText`.
 */
const terminalControls =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const visible = (char: string): string => {
  const code = char.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
};

/**
 * One value for one line (a table cell, a status line): every control and bidi character, tab and
 * newline included, is shown as an escape (`\x1b`, `\x0a`, `\u202e`), so server data can neither
 * move the cursor, hide a line, write the clipboard, nor reorder what the operator reads.
 */
export function escapeTerminal(text: string): string {
  return text.replace(terminalControls, visible);
}

/** Multi-line text (answers, error messages): the same, but newlines and tabs stay; CRLF becomes LF. */
export function escapeTerminalText(text: string): string {
  return text
    .replaceAll('\r\n', '\n')
    .replace(terminalControls, (char) => (char === '\n' || char === '\t' ? char : visible(char)));
}

/** SGR sequences (`ESC [ … m`): colours and text attributes, nothing that moves or writes elsewhere. */
// eslint-disable-next-line no-control-regex -- matching the ESC byte is the point
const sgr = /\u001b\[[0-9;:]*m/g;

/**
 * kubectl's own output for a terminal: colour sequences (SGR, as colourised logs carry them) pass,
 * every other control is escaped, so an object name or a log line cannot clear the screen, move
 * the cursor over earlier lines, set the title or write the clipboard (OSC 52). Used for
 * `kubently exec` when stdout is a terminal; piped output stays byte-exact.
 */
export function escapeTerminalOutput(text: string): string {
  let result = '';
  let at = 0;
  for (const match of text.matchAll(sgr)) {
    result += escapeTerminalText(text.slice(at, match.index)) + match[0];
    at = match.index + match[0].length;
  }
  return result + escapeTerminalText(text.slice(at));
}

/** Characters JSON.stringify leaves raw that a terminal or a bidi-aware viewer still acts on. */
const jsonRaw = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `-o json` output: JSON.stringify escapes C0 controls already; DEL, C1 and bidi controls are
 * written as `\u` escapes too (still the same JSON value), so piping the document to a terminal is
 * as safe as the table.
 */
export function toJsonText(value: unknown): string {
  const json = JSON.stringify(value, null, 2).replace(
    jsonRaw,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `${json}\n`;
}
