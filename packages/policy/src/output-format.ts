/** What an `-o/--output` value (plus `--template`) makes kubectl print. */
export type OutputFormat =
  /** Human table, `wide` or `name`: never includes Secret values. */
  | { readonly type: 'table'; readonly format: string }
  /** `json`, `yaml`, `kyaml`: whole objects, parseable, so Secret values can be redacted. */
  | { readonly type: 'structured'; readonly format: string }
  /** jsonpath / go-template / custom-columns: arbitrary projections that cannot be redacted. */
  | { readonly type: 'template'; readonly format: string }
  /** `*-file` formats read a template file from the executor host. */
  | { readonly type: 'file'; readonly format: string }
  | { readonly type: 'unknown'; readonly format: string };

const tables = new Set(['', 'wide', 'name']);
const structured = new Set(['json', 'yaml', 'kyaml']);
const templates = new Set(['jsonpath', 'jsonpath-as-json', 'go-template', 'template', 'custom-columns']);
const files = new Set(['jsonpath-file', 'go-template-file', 'templatefile', 'custom-columns-file']);

/**
 * Classifies an output request. `--template` without `-o` makes kubectl use go-template, so a
 * template value with a table format counts as a template.
 */
export function classifyOutput(output: string | null, template: string | null): OutputFormat {
  const raw = output ?? '';
  const equals = raw.indexOf('=');
  const format = (equals === -1 ? raw : raw.slice(0, equals)).toLowerCase();
  if (files.has(format)) return { type: 'file', format };
  if (templates.has(format)) return { type: 'template', format };
  if (template !== null && format === '') return { type: 'template', format: 'go-template' };
  if (structured.has(format)) return { type: 'structured', format };
  if (tables.has(format)) return { type: 'table', format: format === '' ? 'table' : format };
  return { type: 'unknown', format };
}
