/**
 * Parses one JSON value or several concatenated top-level values (kubectl `--watch -o json` prints
 * one object per event). Returns null when any part is not valid JSON.
 */
export function splitJsonStream(text: string): unknown[] | null {
  const values: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  let escaped = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charAt(index);
    if (inString) {
      if (escaped) escaped = false;
      else if (char === '\\') escaped = true;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') {
      inString = true;
      if (depth === 0) return null;
      continue;
    }
    if (char === '{' || char === '[') {
      if (depth === 0) start = index;
      depth += 1;
      continue;
    }
    if (char === '}' || char === ']') {
      depth -= 1;
      if (depth < 0) return null;
      if (depth === 0) {
        try {
          values.push(JSON.parse(text.slice(start, index + 1)));
        } catch {
          return null;
        }
      }
      continue;
    }
    if (depth === 0 && !/\s/.test(char)) return null;
  }
  if (depth !== 0 || inString || values.length === 0) return null;
  return values;
}
