import {
  applyNamespace,
  evaluate,
  parsePolicyConfig,
  PolicyInputError,
  redactOutput,
} from '@kubently/policy';
import type { OutputCompleteness, PolicyConfig, PolicyDecision } from '@kubently/policy';
import type { Command, CommandResult } from '@kubently/protocol';

import type { Logger } from '../support/logger.js';

export interface RedactResultOptions {
  /** The policies the cluster's commands are pre-checked with (PolicyResolver over the reports). */
  readonly policies: readonly PolicyConfig[];
  readonly logger: Logger;
  /**
   * The result comes from an executor that never redacts (the seed's polling agent): its output is
   * read as possibly cut anywhere (`uncertain` at best), so every map with values counts as a
   * Secret's, and replacing values is expected rather than a sign of compromise.
   */
  readonly unredactedSource?: boolean;
}

/**
 * How the command reads under the cluster's policies: the first decision that needs redaction, else
 * any decision that reads it, else null (the output is then withheld).
 */
function decideUnderAll(command: Command, policies: readonly PolicyConfig[]): PolicyDecision | null {
  let readable: PolicyDecision | null = null;
  for (const config of policies) {
    const decision = decide(command, config);
    if (decision?.needsRedaction === true) return decision;
    readable ??= decision;
  }
  return readable;
}

/**
 * How the command reads under one of the cluster's policies. A command the policy now denies (the reported
 * mode changed while it ran) is read under full access with the same restrictions, because only its
 * shape matters here; one that does not parse at all leaves null.
 */
function decide(command: Command, config: PolicyConfig): PolicyDecision | null {
  let argv: string[];
  try {
    argv = applyNamespace(command.args, command.namespace);
  } catch (error) {
    if (error instanceof PolicyInputError) return null;
    throw error;
  }
  const decision = evaluate(argv, config);
  if (decision.allowed) return decision;
  const widened = evaluate(
    argv,
    parsePolicyConfig({ ...config, mode: 'fullAccess', fullAccessAcknowledged: true }),
  );
  return widened.allowed ? widened : null;
}

const unreadableNotice =
  'kubently: output withheld: the cluster policy no longer reads this command, so the server cannot check its output for Secret values.\n';

/** A failure (timeout, cancellation, shutdown) or truncation means kubectl's output may stop mid-object. */
function completenessOf(result: CommandResult): OutputCompleteness {
  if (result.truncated || result.failure !== undefined) return 'cut';
  return result.exitCode === 0 ? 'complete' : 'uncertain';
}

/** An agent that does not redact cannot tell us its output is whole: never `complete`. */
function atMostUncertain(result: CommandResult): OutputCompleteness {
  const completeness = completenessOf(result);
  return completeness === 'complete' ? 'uncertain' : completeness;
}

/**
 * The server's own pass over an executor's result, with the executor's rules (DESIGN §3: Secret
 * values never leave the executor): when the command's decision needs redaction, stdout is redacted
 * again, and withheld when it may be cut short. An honest executor's output already is, so it
 * passes unchanged (markers and notices are not counted again); anything replaced here came from a
 * legacy or compromised executor and is logged as such. stderr is not checked: kubectl never prints
 * values there, and an executor that wants to leak can use any field of any result.
 */
export function redactResult(
  command: Command,
  result: CommandResult,
  options: RedactResultOptions,
): CommandResult {
  if (result.stdout === '') return result;
  const decision = decideUnderAll(command, options.policies);
  const redacted =
    decision === null
      ? { output: unreadableNotice, redactions: 1, withheld: true }
      : redactOutput(decision, result.stdout, {
          completeness: options.unredactedSource === true ? atMostUncertain(result) : completenessOf(result),
        });
  if (redacted.redactions === 0) return result;
  if (options.unredactedSource === true) {
    options.logger.info(
      { clusterId: command.clusterId, commandId: command.id, redactions: redacted.redactions },
      'the server redacted a result of a polling agent (it does not redact)',
    );
    return { ...result, stdout: redacted.output, redactions: result.redactions + redacted.redactions };
  }
  options.logger.warn(
    {
      clusterId: command.clusterId,
      executorId: result.executorId,
      commandId: command.id,
      redactions: redacted.redactions,
      withheld: redacted.withheld,
    },
    'the server redacted Secret values in a result its executor posted unredacted: the executor is outdated or compromised',
  );
  return { ...result, stdout: redacted.output, redactions: result.redactions + redacted.redactions };
}
