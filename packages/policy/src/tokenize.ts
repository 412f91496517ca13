import { PolicyInputError } from './policy-errors.js';

/**
 * Splits a command line into argv with POSIX-shell quoting rules and no expansion of any kind:
 * `|`, `;`, `&&`, `>`, `$()`, backticks and globs stay literal characters inside words, so they can
 * only ever reach the policy as unknown arguments (and be denied), never as shell syntax.
 * Single quotes are literal; inside double quotes a backslash escapes `"`, `\`, `$` and backtick;
 * outside quotes a backslash escapes any character. A leading `kubectl` word is kept (evaluate strips it).
 */
export function tokenize(command: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let index = 0;
  const length = command.length;
  while (index < length) {
    const char = command.charAt(index);
    if (char === "'") {
      const end = command.indexOf("'", index + 1);
      if (end === -1) {
        throw new PolicyInputError(
          `unbalanced single quote at position ${index}: close the quote or escape it with a backslash`,
        );
      }
      current += command.slice(index + 1, end);
      inWord = true;
      index = end + 1;
      continue;
    }
    if (char === '"') {
      index += 1;
      let closed = false;
      while (index < length) {
        const inner = command.charAt(index);
        if (inner === '"') {
          closed = true;
          index += 1;
          break;
        }
        if (inner === '\\' && index + 1 < length) {
          const next = command.charAt(index + 1);
          if (next === '"' || next === '\\' || next === '$' || next === '`') {
            current += next;
            index += 2;
            continue;
          }
          if (next === '\n') {
            index += 2;
            continue;
          }
        }
        current += inner;
        index += 1;
      }
      if (!closed) {
        throw new PolicyInputError('unbalanced double quote: close the quote or escape it with a backslash');
      }
      inWord = true;
      continue;
    }
    if (char === '\\') {
      if (index + 1 >= length) {
        throw new PolicyInputError('trailing backslash: remove it or escape it as \\\\');
      }
      const next = command.charAt(index + 1);
      if (next !== '\n') {
        current += next;
        inWord = true;
      }
      index += 2;
      continue;
    }
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
      if (inWord) {
        words.push(current);
        current = '';
        inWord = false;
      }
      index += 1;
      continue;
    }
    current += char;
    inWord = true;
    index += 1;
  }
  if (inWord) words.push(current);
  return words;
}
