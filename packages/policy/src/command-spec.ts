import type { PolicyMode } from '@kubently/protocol';

import type { FlagSpec } from './flag-spec.js';

/** Least permissive mode a command needs; `never` commands are denied in every mode. */
export type CommandAccess = PolicyMode | 'never';

/** How a command's positional arguments are read. */
export type PositionalGrammar =
  /** `TYPE[,TYPE...] [NAME...]` or `TYPE/NAME...` (get, describe, delete, rollout ...). */
  | { readonly type: 'resources'; readonly requireType: boolean }
  /** `TYPE/NAME` or `TYPE NAME`, then free `KEY=VALUE` arguments (label, annotate, set env ...). */
  | { readonly type: 'resourceThenArguments' }
  /** `POD | TYPE/NAME [CONTAINER]` (logs, attach, exec, port-forward). */
  | { readonly type: 'podOrResource'; readonly defaultResource: string; readonly maxExtra: number }
  /** Plain object names of one implied resource (top pod, cordon, create deployment ...). */
  | { readonly type: 'names'; readonly resource: string | null; readonly min: number; readonly max: number }
  /** `TYPE[.field.path]` (explain). */
  | { readonly type: 'explain' }
  /** `VERB [TYPE | TYPE/NAME | NONRESOURCEURL]` (auth can-i). */
  | { readonly type: 'canI' }
  /** No positional arguments. */
  | { readonly type: 'none' };

export interface CommandSpec {
  readonly verb: string;
  readonly subcommand: string | null;
  readonly access: CommandAccess;
  /** Why a `never` command is denied. */
  readonly neverReason?: string;
  readonly flags: readonly FlagSpec[];
  readonly positionals: PositionalGrammar;
  /** Tokens after `--` are the container command (exec, run, debug), not kubectl arguments. */
  readonly commandAfterDash?: boolean;
  /** The command prints objects chosen by `-o` (output rules apply). */
  readonly printsObjects?: boolean;
  /**
   * What the command prints when no `-o` asks for JSON or YAML. `structured`: whole objects as YAML
   * (`apply view-last-applied`), so a Secret's values are in it and must be redacted.
   */
  readonly defaultOutput?: 'structured';
}

/** A verb with subcommands (`rollout history`), each a CommandSpec. */
export interface VerbSpec {
  readonly verb: string;
  /** The command when no subcommand is given; null when a subcommand is required. */
  readonly command: CommandSpec | null;
  readonly subcommands: ReadonlyMap<string, CommandSpec>;
  readonly neverReason?: string;
}
