import type { z } from 'zod';

import type { Logger } from '../../support/logger.js';
import type { BackendErrorCounter, BackendErrorKind } from '../backend-error-counter.js';

/** Where a value was read: what it is (counter label), its Redis key or channel, and the field. */
export interface ReadSite {
  readonly entity: string;
  readonly key: string;
  readonly field?: string;
}

/** Distinct sites logged before the memory of logged sites starts over. */
const maxRemembered = 1000;

/**
 * The one way Redis data becomes typed values: every value read (hash field, list item, stream
 * entry, script reply, pub/sub message) is parsed with its zod schema here. A value that fails is
 * counted every time it is read and logged once per key (so a bad key read every second does not
 * flood the log), by key, field and schema issue, never with the value itself, which may hold
 * command output. The caller then treats it as absent. `guard` wraps event listeners so nothing
 * thrown while handling an event escapes into ioredis (where it would crash the process).
 */
export class BadDataReporter {
  readonly errors: BackendErrorCounter;
  readonly #logger: Logger;
  readonly #logged = new Set<string>();

  constructor(options: { logger: Logger; errors: BackendErrorCounter }) {
    this.#logger = options.logger;
    this.errors = options.errors;
  }

  /** JSON text through `schema`; null (reported as a bad record) when it is not JSON or does not fit. */
  parseJson<T>(
    schema: z.ZodType<T>,
    text: string,
    site: ReadSite,
    kind: BackendErrorKind = 'bad_record',
  ): T | null {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.report(kind, site, 'not JSON');
      return null;
    }
    return this.parse(schema, value, site, kind);
  }

  /** A decoded value through `schema`; null (reported) when it does not fit. */
  parse<T>(
    schema: z.ZodType<T>,
    value: unknown,
    site: ReadSite,
    kind: BackendErrorKind = 'bad_record',
  ): T | null {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.length === 0 ? '(value)' : issue.path.join('.')}: ${issue.message}`);
    this.report(kind, site, issues.join('; '));
    return null;
  }

  /**
   * A read whose key holds another Redis type (WRONGTYPE) reads as absent, reported as a bad
   * record; every other failure passes through.
   */
  async absentOnWrongType<T>(read: Promise<T>, site: ReadSite): Promise<T | null> {
    try {
      return await read;
    } catch (error) {
      if (!isWrongType(error)) throw error;
      this.report('bad_record', site, 'the key holds another Redis type (WRONGTYPE)');
      return null;
    }
  }

  /** Counts one error and logs it unless this kind of error at this site was already logged. */
  report(kind: BackendErrorKind, site: ReadSite, problem: string, error?: unknown): void {
    this.errors.add(kind, site.entity);
    const id = `${kind}\u0000${site.key}\u0000${site.field ?? ''}`;
    if (this.#logged.has(id)) return;
    if (this.#logged.size >= maxRemembered) this.#logged.clear();
    this.#logged.add(id);
    this.#logger.error(
      {
        kind,
        entity: site.entity,
        key: site.key,
        ...(site.field === undefined ? {} : { field: site.field }),
        problem,
        ...(error === undefined ? {} : { err: error }),
      },
      kind === 'listener_failed'
        ? 'a state backend event listener failed; the event was dropped'
        : 'the state backend returned data this server cannot use; it is treated as absent (fix or delete the key)',
    );
  }

  /** The listener, made unable to throw: a failure is reported and the event dropped. */
  guard<A extends unknown[]>(site: ReadSite, listener: (...args: A) => void): (...args: A) => void {
    return (...args: A): void => {
      try {
        listener(...args);
      } catch (error) {
        this.report('listener_failed', site, error instanceof Error ? error.message : String(error), error);
      }
    };
  }
}

export const isWrongType = (error: unknown): boolean =>
  error instanceof Error && error.message.includes('WRONGTYPE');
