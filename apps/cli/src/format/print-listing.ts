import type { CliOutput } from '../cli-io.js';
import { toJsonText } from './escape-terminal.js';
import type { DocumentFormat, OutputFormat } from './output-format.js';
import { renderTable } from './render-table.js';
import { toYamlText } from './to-yaml-text.js';

/** One listing in every `-o` shape; `wide` adds columns to the table's. */
export interface Listing {
  /** The `-o json|yaml` document, e.g. `{clusters: [...]}`. */
  readonly document: object;
  /** One name per item for `-o name` (pipe into xargs). */
  readonly names: readonly string[];
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Extra columns for `-o wide`, one list per row, in the rows' order. */
  readonly wide?: { readonly header: readonly string[]; readonly rows: readonly (readonly string[])[] };
  /** Printed instead of an empty table (tables only; json/yaml print the empty document). */
  readonly empty: string;
}

/** json or yaml for a document format; false for `table` (the caller prints its own). */
export function writeDocument(
  output: CliOutput,
  format: DocumentFormat | OutputFormat,
  value: unknown,
): boolean {
  if (format === 'json') output.write(toJsonText(value));
  else if (format === 'yaml') output.write(toYamlText(value));
  else return false;
  return true;
}

export function printListing(output: CliOutput, format: OutputFormat, listing: Listing): void {
  switch (format) {
    case 'json':
    case 'yaml':
      writeDocument(output, format, listing.document);
      return;
    case 'name':
      output.write(listing.names.map((name) => `${name}\n`).join(''));
      return;
    case 'table':
    case 'wide': {
      if (listing.rows.length === 0) {
        output.write(`${listing.empty}\n`);
        return;
      }
      const wide = format === 'wide' ? listing.wide : undefined;
      output.write(
        wide === undefined
          ? renderTable(listing.header, listing.rows)
          : renderTable(
              [...listing.header, ...wide.header],
              listing.rows.map((row, index) => [...row, ...(wide.rows[index] ?? [])]),
            ),
      );
      return;
    }
  }
}
