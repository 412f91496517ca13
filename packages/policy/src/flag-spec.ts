import type { PolicyMode } from '@kubently/protocol';

/** How a flag takes its value, as pflag parses it. */
export type FlagArity =
  /** Boolean: `--flag`, `--flag=false`; never consumes the next token. */
  | 'none'
  /** `--flag=v`, `--flag v`, `-xv`, `-x v`, `-x=v`. */
  | 'value'
  /** Has a default when bare (pflag NoOptDefVal): only `--flag=v` sets a value. */
  | 'optional';

export interface FlagSpec {
  /** Long name without dashes. */
  readonly long: string;
  readonly short: string | null;
  readonly arity: FlagArity;
  /** Least permissive mode in which the flag may be used. */
  readonly minMode: PolicyMode;
}

/**
 * Builds flag specs from a compact notation: `"l,selector="` (short l, takes a value),
 * `"A,all-namespaces"` (boolean), `"dry-run?"` (optional value), `"+follow"` (needs extendedReadOnly).
 */
export function defineFlags(...notations: readonly string[]): readonly FlagSpec[] {
  return notations.map((notation) => {
    let text = notation;
    let minMode: PolicyMode = 'readOnly';
    if (text.startsWith('+')) {
      minMode = 'extendedReadOnly';
      text = text.slice(1);
    }
    let arity: FlagArity = 'none';
    if (text.endsWith('=')) arity = 'value';
    if (text.endsWith('?')) arity = 'optional';
    if (arity !== 'none') text = text.slice(0, -1);
    const parts = text.split(',');
    const short = parts.length === 2 ? (parts[0] ?? null) : null;
    const long = parts[parts.length - 1] ?? text;
    return Object.freeze({ long, short, arity, minMode });
  });
}
