import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

/**
 * DESIGN §4 layering, checked on the source text so it holds even where lint is switched off:
 * protocol ← policy ← diagnosis ← agent ← apps. Packages never import apps; protocol imports only
 * zod; apps never import each other except the CLI starting the server and the executor; the
 * executor never imports the server, the CLI, the diagnosis engine or the agent. Relative imports
 * inside a workspace form no cycle.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));

const layerOf: Record<string, number> = {
  protocol: 0,
  policy: 1,
  diagnosis: 2,
  agent: 3,
};

function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory())
      return entry === 'node_modules' || entry === 'dist' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry) ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers: string[] = [];
  for (const match of text.matchAll(
    /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
  )) {
    const specifier = match[1] ?? match[2];
    if (specifier !== undefined) specifiers.push(specifier);
  }
  return specifiers;
}

function workspaceName(specifier: string): string | null {
  const match = /^@kubently\/([a-z-]+)/.exec(specifier);
  return match?.[1] ?? null;
}

const packages = readdirSync(join(root, 'packages'));
const apps = readdirSync(join(root, 'apps'));

describe('layering (DESIGN §4)', () => {
  it('finds the workspace sources it checks', () => {
    expect(sourceFiles(join(root, 'packages/protocol/src')).length).toBeGreaterThan(3);
  });

  for (const name of packages) {
    it(`packages/${name} imports only lower layers and never an app`, () => {
      const violations: string[] = [];
      for (const file of sourceFiles(join(root, 'packages', name, 'src'))) {
        for (const specifier of importsOf(file)) {
          const target = workspaceName(specifier);
          const where = `${relative(root, file)} imports ${specifier}`;
          if (name === 'protocol' && !specifier.startsWith('.') && !/^zod(\/|$)/.test(specifier)) {
            violations.push(`${where} (protocol depends on zod only)`);
          }
          if (target === null) continue;
          if (apps.includes(target)) violations.push(`${where} (packages never import apps)`);
          const own = layerOf[name];
          const theirs = layerOf[target];
          if (own !== undefined && theirs !== undefined && theirs >= own && target !== name) {
            violations.push(`${where} (dependencies point one way: protocol ← policy ← diagnosis ← agent)`);
          }
        }
      }
      expect(violations).toEqual([]);
    });
  }

  for (const name of apps) {
    it(`apps/${name} does not import other apps (the CLI may start server and executor)`, () => {
      const allowed = name === 'cli' ? ['server', 'executor'] : [];
      const forbiddenForExecutor = ['diagnosis', 'agent'];
      const violations: string[] = [];
      for (const file of sourceFiles(join(root, 'apps', name, 'src'))) {
        for (const specifier of importsOf(file)) {
          const target = workspaceName(specifier);
          if (target === null || target === name) continue;
          const where = `${relative(root, file)} imports ${specifier}`;
          if (apps.includes(target) && !allowed.includes(target))
            violations.push(`${where} (apps never import each other)`);
          if (specifier !== `@kubently/${target}`)
            violations.push(`${where} (only a workspace's public entry may be imported)`);
          if (name === 'executor' && forbiddenForExecutor.includes(target)) {
            violations.push(`${where} (the executor speaks HTTP only)`);
          }
        }
      }
      expect(violations).toEqual([]);
    });
  }
});

/** Value imports only: `import type` is erased at build time and cannot form a runtime cycle. */
function relativeValueImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers: string[] = [];
  for (const match of text.matchAll(
    /^\s*(?:import|export)\s+(?!type\s)[^'";]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/gm,
  )) {
    if (match[1] !== undefined) specifiers.push(match[1]);
  }
  return specifiers;
}

function resolveRelative(from: string, specifier: string): string | null {
  const base = join(from, '..', specifier);
  for (const candidate of [
    base.replace(/\.js$/, '.ts'),
    base.replace(/\.js$/, '.tsx'),
    join(base, 'index.ts'),
  ]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // try the next spelling
    }
  }
  return null;
}

function findCycle(files: readonly string[]): string[] | null {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): string[] | null => {
    const seen = state.get(file);
    if (seen === 'done') return null;
    if (seen === 'visiting') return [...stack.slice(stack.indexOf(file)), file];
    state.set(file, 'visiting');
    stack.push(file);
    for (const specifier of relativeValueImports(file)) {
      const target = resolveRelative(file, specifier);
      const cycle = target === null ? null : visit(target);
      if (cycle !== null) return cycle;
    }
    stack.pop();
    state.set(file, 'done');
    return null;
  };
  for (const file of files) {
    const cycle = visit(file);
    if (cycle !== null) return cycle;
  }
  return null;
}

describe('import cycles', () => {
  const workspaces = [
    ...packages.map((name) => join(root, 'packages', name, 'src')),
    ...apps.map((name) => join(root, 'apps', name, 'src')),
  ];

  it('detects a cycle when there is one', () => {
    const fixture = join(root, 'test/unit/fixtures/cycle');
    expect(findCycle(sourceFiles(fixture))?.map((file) => relative(fixture, file))).toEqual([
      'a.ts',
      'b.ts',
      'a.ts',
    ]);
  });

  it('ignores type-only import cycles (erased at build time)', () => {
    expect(findCycle(sourceFiles(join(root, 'test/unit/fixtures/type-only')))).toBeNull();
  });

  for (const dir of workspaces) {
    it(`${relative(root, dir)} has no import cycle`, () => {
      const cycle = findCycle(sourceFiles(dir));
      expect(cycle?.map((file) => relative(root, file)) ?? null).toBeNull();
    });
  }
});
