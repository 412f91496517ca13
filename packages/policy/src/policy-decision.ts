/** One resource type named by a command, resolved through the built-in table (or kept as typed). */
export interface ResolvedResource {
  /** The text as typed (`deploy.v1.apps`, `secret`). */
  input: string;
  /** Canonical lower-case plural (`deployments`), or the typed name for unknown types. */
  resource: string;
  /** API group (`apps`), empty for the core group. */
  group: string;
  /** True for Secrets and the configuration's restricted resources. */
  restricted: boolean;
}

export interface PolicyFlag {
  /** Long name without dashes (`namespace`), after `_` → `-` normalisation. */
  name: string;
  value: string | null;
}

/** The outcome of `evaluate`. When `allowed` is false nothing may run. */
export interface PolicyDecision {
  allowed: boolean;
  /** When denied: names the offending verb, flag or resource and the fix. When allowed: a summary. */
  reason: string;
  /** Normalised argv to run (leading `kubectl` stripped). */
  argv: string[];
  verb: string | null;
  /** `history` for `rollout history`, `can-i` for `auth can-i`. */
  subcommand: string | null;
  resources: ResolvedResource[];
  names: string[];
  namespace: string | null;
  allNamespaces: boolean;
  flags: PolicyFlag[];
  /** The output may contain Secret values: `redactOutput` must run on stdout. */
  needsRedaction: boolean;
}
