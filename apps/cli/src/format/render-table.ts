import { escapeTerminal } from './escape-terminal.js';

/**
 * Left-aligned columns separated by two spaces, like kubectl's default output. Cells are often
 * server data (audit argv, executor versions): each is escaped (`escapeTerminal`) so it stays one
 * cell on one line and cannot steer the terminal.
 */
export function renderTable(header: readonly string[], rawRows: readonly (readonly string[])[]): string {
  const rows = rawRows.map((row) => row.map(escapeTerminal));
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[header, ...rows].map(line).join('\n')}\n`;
}
