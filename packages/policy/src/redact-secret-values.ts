export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Byte length of a base64 value once decoded; invalid base64 counts its text length (still redacted). */
export function decodedLength(value: unknown): number {
  if (typeof value !== 'string') return 0;
  const compact = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return utf8Length(value);
  const padding = compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0;
  return Math.floor(((compact.length - padding) * 3) / 4);
}

const encoder = new TextEncoder();

export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

export function redactionMarker(bytes: number): string {
  return `<redacted: ${bytes} bytes>`;
}

/** What replaces a `data`/`stringData` field that is not a map. */
export const fieldMarker = '<redacted>';
/** What replaces a Secret's last-applied-configuration annotation that is not JSON. */
export const unparseableLastAppliedMarker = '<redacted: unparseable last-applied-configuration>';

const markerSyntax = /^<redacted: [0-9]{1,15} bytes>$/;

/**
 * True for a value redaction already replaced (an executor redacted, the server checks again): it
 * stays as it is and is not counted again. A `data` value is base64 and can never look like this.
 */
export function isRedactionMarker(value: unknown): boolean {
  return typeof value === 'string' && markerSyntax.test(value);
}

export interface RedactSecretOptions {
  /**
   * Treat every map that has `data` or `stringData` as a Secret, whatever its kind: for output that
   * may have stopped mid-object, where `kind` may not have been printed yet.
   */
  readonly assumeSecret?: boolean;
}

function redactMap(
  secret: JsonObject,
  field: 'data' | 'stringData',
  measure: (value: unknown) => number,
): number {
  const map = secret[field];
  if (map === undefined || map === null || map === fieldMarker) return 0;
  if (!isObject(map)) {
    // Not the shape a Secret has: withhold the whole field rather than guess.
    secret[field] = fieldMarker;
    return 1;
  }
  let count = 0;
  for (const key of Object.keys(map)) {
    if (isRedactionMarker(map[key])) continue;
    map[key] = redactionMarker(measure(map[key]));
    count += 1;
  }
  return count;
}

function redactLastApplied(object: JsonObject, isSecret: boolean, options: RedactSecretOptions): number {
  const metadata = object['metadata'];
  if (!isObject(metadata)) return 0;
  const annotations = metadata['annotations'];
  if (!isObject(annotations)) return 0;
  const text = annotations[lastAppliedAnnotation];
  if (typeof text !== 'string' || text === unparseableLastAppliedMarker) return 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    if (!isSecret) return 0;
    annotations[lastAppliedAnnotation] = unparseableLastAppliedMarker;
    return 1;
  }
  const count = redactSecretValues(parsed, options);
  if (count > 0) annotations[lastAppliedAnnotation] = `${JSON.stringify(parsed)}\n`;
  return count;
}

/**
 * An object with metadata and `data`/`stringData` but no `kind` cannot be told apart from a Secret
 * (kubectl always prints `kind`, but a wrapper or plugin might not): fail closed and treat it as one.
 */
export function isKindlessWithData(object: JsonObject): boolean {
  return (
    object['kind'] === undefined &&
    isObject(object['metadata']) &&
    (object['data'] !== undefined || object['stringData'] !== undefined)
  );
}

/**
 * Replaces, in place, every `data` and `stringData` value of every object of kind Secret found
 * anywhere in `value` (single objects, Lists, watch events) with `<redacted: N bytes>`, keeping keys;
 * also redacts Secrets inside the last-applied-configuration annotation. Values that are already
 * markers stay. Returns the number of values replaced.
 */
export function redactSecretValues(value: unknown, options: RedactSecretOptions = {}): number {
  if (Array.isArray(value)) {
    let count = 0;
    for (const item of value) count += redactSecretValues(item, options);
    return count;
  }
  if (!isObject(value)) return 0;
  const isSecret =
    value['kind'] === 'Secret' ||
    isKindlessWithData(value) ||
    (options.assumeSecret === true && (value['data'] !== undefined || value['stringData'] !== undefined));
  let count = 0;
  if (isSecret) {
    count += redactMap(value, 'data', decodedLength);
    count += redactMap(value, 'stringData', (text) => (typeof text === 'string' ? utf8Length(text) : 0));
  }
  count += redactLastApplied(value, isSecret, options);
  for (const [key, child] of Object.entries(value)) {
    if (isSecret && (key === 'data' || key === 'stringData')) continue;
    if (typeof child === 'object' && child !== null) count += redactSecretValues(child, options);
  }
  return count;
}
