import { redactSecretValues } from '@kubently/policy';
import type { ReadRequest } from '@kubently/protocol';
import { z } from 'zod';

/** One page as the API server sends it: a List (items) or a Table (rows). */
const pageSchema = z.object({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: z.object({ continue: z.string().optional(), resourceVersion: z.string().optional() }).nullish(),
  items: z.array(z.record(z.string(), z.unknown())).nullish(),
  rows: z.array(z.record(z.string(), z.unknown())).nullish(),
  columnDefinitions: z.array(z.unknown()).nullish(),
});

/** Room kept for the List's envelope (kind, metadata with a continue token of up to 8 KiB). */
const envelopeBytes = 10 * 1024;

export type PageAdded =
  | { readonly type: 'added'; readonly continue: string | undefined }
  /** The page does not fit under the cap; nothing of it was kept. */
  | { readonly type: 'overflow' }
  | { readonly type: 'invalid'; readonly message: string };

/**
 * The pages of one read, joined into one List (or Table) JSON. Every object is reduced before it is
 * kept: Secret `data`/`stringData` values become `<redacted: N bytes>` markers (keys stay), and so do
 * Secrets inside a last-applied-configuration annotation, exactly as kubectl output is redacted.
 * List items get the `kind` and `apiVersion` the API server leaves out (kubectl adds them too).
 */
export class ReadPages {
  readonly #read: ReadRequest;
  readonly #maxBytes: number;
  readonly #entries: string[] = [];
  #bytes = envelopeBytes;
  #pages = 0;
  #redactions = 0;
  #apiVersion = 'v1';
  #resourceVersion = '';
  #columns: unknown[] | null = null;

  constructor(read: ReadRequest, maxBytes: number) {
    this.#read = read;
    this.#maxBytes = maxBytes;
  }

  get count(): number {
    return this.#entries.length;
  }

  add(body: string): PageAdded {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return { type: 'invalid', message: 'the API server answered with something that is not JSON' };
    }
    const page = pageSchema.safeParse(json);
    if (!page.success)
      return { type: 'invalid', message: 'the API server answered with neither a List nor a Table' };
    const isTable = this.#read.as === 'table';
    const objects = (isTable ? page.data.rows : page.data.items) ?? [];
    const itemKind = page.data.kind?.endsWith('List') === true ? page.data.kind.slice(0, -4) : undefined;
    const entries: string[] = [];
    let bytes = 0;
    let redactions = 0;
    for (const object of objects) {
      const item =
        isTable || itemKind === undefined
          ? object
          : { apiVersion: page.data.apiVersion, kind: itemKind, ...object };
      redactions += redactSecretValues(item);
      const text = JSON.stringify(item);
      bytes += Buffer.byteLength(text) + 1;
      entries.push(text);
    }
    if (this.#bytes + bytes > this.#maxBytes) return { type: 'overflow' };
    this.#entries.push(...entries);
    this.#bytes += bytes;
    this.#redactions += redactions;
    this.#pages += 1;
    if (this.#pages === 1) {
      this.#apiVersion = page.data.apiVersion ?? this.#apiVersion;
      this.#columns = page.data.columnDefinitions ?? null;
    }
    this.#resourceVersion = page.data.metadata?.resourceVersion ?? this.#resourceVersion;
    const next = page.data.metadata?.continue;
    return { type: 'added', continue: next === undefined || next === '' ? undefined : next };
  }

  /** The joined List; `continueToken` set when the read stopped before the collection's end. */
  finish(continueToken: string | undefined): {
    readonly type: 'list';
    readonly stdout: string;
    readonly items: number;
    readonly pages: number;
    readonly redactions: number;
    readonly continue: string | undefined;
  } {
    const metadata = JSON.stringify({
      resourceVersion: this.#resourceVersion,
      ...(continueToken === undefined ? {} : { continue: continueToken }),
    });
    const head =
      this.#read.as === 'table'
        ? `{"apiVersion":"meta.k8s.io/v1","kind":"Table","metadata":${metadata},"columnDefinitions":${JSON.stringify(this.#columns ?? [])},"rows":[`
        : `{"apiVersion":"v1","kind":"List","metadata":${metadata},"items":[`;
    return {
      type: 'list',
      stdout: `${head}${this.#entries.join(',')}]}\n`,
      items: this.#entries.length,
      pages: this.#pages,
      redactions: this.#redactions,
      continue: continueToken,
    };
  }
}
