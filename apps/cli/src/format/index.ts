export { escapeTerminal, escapeTerminalOutput, escapeTerminalText, toJsonText } from './escape-terminal.js';
export { outputOption, parseOutputFormat } from './output-format.js';
export type { OutputFormat } from './output-format.js';
export { parseSince } from './parse-since.js';
export { renderTable } from './render-table.js';
export { parseDuration } from './parse-duration.js';
