import type { PolicyConfig } from './policy-config.js';
import { builtinTypesNamed, resolveResourceType } from './resolve-resource-type.js';
import type { ResourceTypeMatch } from './resolve-resource-type.js';
import { spellingsOf } from './resource-table.js';

/** Spellings of the built-in Secret type. Matched on the name alone, whatever group is written. */
const secretSpellings: ReadonlySet<string> = new Set(
  builtinTypesNamed('secrets').flatMap((type) => spellingsOf(type)),
);

export interface RestrictedResources {
  /** True for every spelling of Secret (`secret`, `secrets.v1.`, `Secret`), in any group. */
  readonly isSecret: (match: ResourceTypeMatch) => boolean;
  /** The configured restricted entry a type matches, or null. */
  readonly configuredEntry: (match: ResourceTypeMatch) => string | null;
}

/**
 * Builds the restricted-resource matcher of a configuration. Matching is by the name the user typed
 * (every spelling of a built-in type; the plural of a custom type) and ignores the group, so a
 * lookalike in another group is restricted too (conservative).
 */
const cache = new WeakMap<PolicyConfig, RestrictedResources>();

export function restrictedResourcesOf(config: PolicyConfig): RestrictedResources {
  const cached = cache.get(config);
  if (cached !== undefined) return cached;
  const built = build(config);
  cache.set(config, built);
  return built;
}

function build(config: PolicyConfig): RestrictedResources {
  const configured = new Map<string, string>();
  for (const entry of config.restrictedResources) {
    const match = resolveResourceType(entry);
    const spellings = match?.known ? spellingsOf(match.known) : [match?.head ?? entry.toLowerCase()];
    for (const spelling of spellings) configured.set(spelling, entry);
  }
  return {
    isSecret: (match) => secretSpellings.has(match.head),
    configuredEntry: (match) => configured.get(match.head) ?? configured.get(match.resource) ?? null,
  };
}
