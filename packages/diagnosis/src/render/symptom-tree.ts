import type { Finding } from '../model/finding.js';
import type { Report } from '../model/report.js';

export interface SymptomLine {
  readonly depth: number;
  readonly finding: Finding;
}

/** The symptoms under one root, depth-first, each listed once even when several paths reach it. */
export const symptomTree = (root: Finding, report: Report): SymptomLine[] => {
  const byId = new Map([...report.findings, ...report.symptoms].map((finding) => [finding.id, finding]));
  const lines: SymptomLine[] = [];
  const visited = new Set<string>([root.id]);
  const walk = (finding: Finding, depth: number): void => {
    for (const id of finding.causes) {
      const child = byId.get(id);
      if (child === undefined || visited.has(id)) continue;
      visited.add(id);
      lines.push({ depth, finding: child });
      walk(child, depth + 1);
    }
  };
  walk(root, 1);
  return lines;
};
