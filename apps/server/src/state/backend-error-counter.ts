/**
 * What can go wrong with data or signals read from the state backend without the backend being
 * away: a stored value that fails its schema (`bad_record`), a malformed pub/sub message
 * (`bad_message`), a listener that threw while handling one (`listener_failed`), a command Redis
 * refused (`redis_error`, e.g. WRONGTYPE on a key holding another type).
 */
export type BackendErrorKind = 'bad_record' | 'bad_message' | 'listener_failed' | 'redis_error';

/**
 * Counts those errors by kind and by what was read (`command`, `session`, `events` ...). Injected,
 * so a test reads it and a metrics exporter can publish it; it never throws and never blocks.
 */
export interface BackendErrorCounter {
  add(kind: BackendErrorKind, entity: string): void;
  /** How many of `kind` (of `entity` when given) were seen. */
  count(kind: BackendErrorKind, entity?: string): number;
  /** Every non-zero count, keyed `kind/entity`. */
  snapshot(): Readonly<Record<string, number>>;
}

export const createBackendErrorCounter = (): BackendErrorCounter => {
  const counts = new Map<string, number>();
  return {
    add: (kind, entity) => {
      const key = `${kind}/${entity}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    },
    count: (kind, entity) => {
      let total = 0;
      for (const [key, value] of counts) {
        if (entity === undefined ? key.startsWith(`${kind}/`) : key === `${kind}/${entity}`) total += value;
      }
      return total;
    },
    snapshot: () => Object.fromEntries(counts),
  };
};
