/** Edit distance with adjacent transpositions (optimal string alignment): "diagnsoe" is 1 from "diagnose". */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const columns = b.length + 1;
  const table: number[][] = Array.from({ length: rows }, (_, row) =>
    Array.from({ length: columns }, (_, column) => (row === 0 ? column : column === 0 ? row : 0)),
  );
  const at = (row: number, column: number): number => table[row]?.[column] ?? 0;
  for (let row = 1; row < rows; row += 1) {
    for (let column = 1; column < columns; column += 1) {
      const cost = a[row - 1] === b[column - 1] ? 0 : 1;
      let best = Math.min(at(row - 1, column) + 1, at(row, column - 1) + 1, at(row - 1, column - 1) + cost);
      if (row > 1 && column > 1 && a[row - 1] === b[column - 2] && a[row - 2] === b[column - 1])
        best = Math.min(best, at(row - 2, column - 2) + 1);
      const line = table[row];
      if (line !== undefined) line[column] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The known words close to a typo, nearest first, as git and kubectl suggest them: within a third
 * of the word's length (at least 1, at most 3 edits), or a known word the typo starts.
 */
export function didYouMean(typo: string, known: readonly string[]): string[] {
  const word = typo.toLowerCase();
  const limit = Math.min(3, Math.max(1, Math.ceil(word.length / 3)));
  return [...new Set(known)]
    .map((candidate) => ({ candidate, distance: editDistance(word, candidate) }))
    .filter(
      ({ candidate, distance }) => distance <= limit || (word.length >= 3 && candidate.startsWith(word)),
    )
    .sort((left, right) => left.distance - right.distance || left.candidate.localeCompare(right.candidate))
    .map(({ candidate }) => candidate);
}
