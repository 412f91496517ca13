export { escapeTerminal, escapeTerminalOutput, escapeTerminalText, toJsonText } from './escape-terminal.js';
export {
  documentFormats,
  listFormats,
  outputOption,
  parseChoice,
  parseOutputFormat,
} from './output-format.js';
export type { DocumentFormat, OutputFormat } from './output-format.js';
export { createPalette, isTerminal, shouldUseColor } from './palette.js';
export type { Palette } from './palette.js';
export { printListing, writeDocument } from './print-listing.js';
export type { Listing } from './print-listing.js';
export { parseSince } from './parse-since.js';
export { renderTable } from './render-table.js';
export { parseDuration } from './parse-duration.js';
export { toYamlText } from './to-yaml-text.js';
