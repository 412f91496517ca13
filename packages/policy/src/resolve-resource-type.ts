import { allCategory, builtinResources, spellingsOf } from './resource-table.js';
import type { ResourceType } from './resource-table.js';

/** A resource type as kubectl would read it (`resource[.version[.group]]`, kind or short name). */
export interface ResourceTypeMatch {
  readonly input: string;
  /** Lower-case text before the first dot: what the user called the type. */
  readonly head: string;
  /** Canonical plural for built-ins and `all`; the head otherwise. */
  readonly resource: string;
  readonly group: string;
  /** The built-in type it resolves to; null for CRDs, categories and unknown names. */
  readonly known: ResourceType | null;
}

const dnsPart = '[a-z0-9]([a-z0-9-]*[a-z0-9])?';
// `secrets.v1.` (trailing dot = core group) is valid kubectl syntax.
const typeSyntax = new RegExp(`^${dnsPart}(\\.${dnsPart})*\\.?$`);
const versionSyntax = /^v[0-9]+((alpha|beta)[0-9]+)?$/;

const bySpelling = new Map<string, ResourceType[]>();
for (const type of builtinResources) {
  for (const spelling of spellingsOf(type)) {
    const list = bySpelling.get(spelling) ?? [];
    if (!list.includes(type)) list.push(type);
    bySpelling.set(spelling, list);
  }
}

export function isResourceTypeSyntax(text: string): boolean {
  return text.length <= 253 && typeSyntax.test(text.toLowerCase());
}

/** The built-in types a lower-case spelling names (core group first). */
export function builtinTypesNamed(spelling: string): readonly ResourceType[] {
  return bySpelling.get(spelling) ?? [];
}

/**
 * Resolves a resource type the way kubectl's RESTMapper does, case-insensitively: `cm`,
 * `configmaps`, `configmap.v1`, `secrets.v1.`, `deployments.apps`, `deploy.v1.apps`, `Secret`.
 * Returns null when the text is not syntactically a resource type.
 */
export function resolveResourceType(input: string): ResourceTypeMatch | null {
  if (!isResourceTypeSyntax(input)) return null;
  const lower = input.toLowerCase();
  const dot = lower.indexOf('.');
  const head = dot === -1 ? lower : lower.slice(0, dot);
  const rest = dot === -1 ? null : lower.slice(dot + 1);
  const candidates = builtinTypesNamed(head);
  if (rest === null) {
    const known = candidates[0] ?? null;
    if (known === null && head === allCategory)
      return { input, head, resource: allCategory, group: '', known };
    return { input, head, resource: known?.plural ?? head, group: known?.group ?? '', known };
  }
  const restDot = rest.indexOf('.');
  const version = restDot === -1 ? rest : rest.slice(0, restDot);
  const groupAfterVersion = restDot === -1 ? null : rest.slice(restDot + 1);
  const known =
    candidates.find((type) => type.group === rest) ??
    (groupAfterVersion !== null && versionSyntax.test(version)
      ? candidates.find((type) => type.group === groupAfterVersion)
      : undefined) ??
    (groupAfterVersion === null && versionSyntax.test(version)
      ? candidates.find((type) => type.group === '')
      : undefined) ??
    null;
  if (known !== null) return { input, head, resource: known.plural, group: known.group, known };
  const group = groupAfterVersion !== null && versionSyntax.test(version) ? groupAfterVersion : rest;
  return { input, head, resource: head, group, known: null };
}
