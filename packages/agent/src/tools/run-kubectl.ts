import { applyNamespace, evaluate, PolicyInputError, redactOutput } from '@kubently/policy';

import type { KubectlFailureCode } from '../ports/cluster-gateway.js';
import { scrubSecrets } from './scrub-secrets.js';
import type { ToolContext } from './tool-context.js';

export interface KubectlCall {
  readonly clusterId: string;
  readonly args: readonly string[];
  readonly namespace?: string | undefined;
  readonly timeoutSeconds?: number | undefined;
}

/**
 * A checked and redacted kubectl run. `command` is the exact argv shown to the model as evidence.
 * A `local` denial's reason is the agent's own policy speaking about the model's argv; a `remote`
 * one (server or executor) and every `failure` message arrive over the wire, so the tool result
 * quotes them only inside the untrusted block.
 */
export type CheckedRun =
  | {
      readonly type: 'denied';
      readonly command: string;
      readonly reason: string;
      readonly source: 'local' | 'remote';
    }
  | {
      readonly type: 'failure';
      readonly command: string;
      readonly code: KubectlFailureCode;
      readonly message: string;
    }
  | {
      readonly type: 'result';
      readonly command: string;
      readonly exitCode: number;
      readonly stdout: string;
      readonly stderr: string;
      readonly isForbidden: boolean;
      readonly executorTruncated: boolean;
      readonly redactions: number;
    };

const boundedLogFlags = /^--(tail|since|since-time|limit-bytes)(=|$)/;
const forbidden = /\(Forbidden\)|\bis forbidden:|\bforbidden: User\b/;

/** Adds `--tail=200` to `logs` without a bound, so one call never pulls a whole log. */
export function withKubectlDefaults(args: readonly string[]): string[] {
  const copy = [...args];
  if (copy[0] !== 'logs') return copy;
  const dash = copy.indexOf('--');
  const flags = dash === -1 ? copy : copy.slice(0, dash);
  if (flags.some((arg) => boundedLogFlags.test(arg))) return copy;
  return dash === -1 ? [...copy, '--tail=200'] : [...copy.slice(0, dash), '--tail=200', ...copy.slice(dash)];
}

export function showCommand(args: readonly string[]): string {
  const quoted = args.map((arg) =>
    /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`,
  );
  return ['kubectl', ...quoted].join(' ');
}

/**
 * Applies the namespace, the defaults and the local policy, runs the command through the gateway and
 * redacts the output (policy redaction when the decision needs it, then a credential scrub).
 */
export async function runCheckedKubectl(
  context: ToolContext,
  call: KubectlCall,
  signal: AbortSignal,
): Promise<CheckedRun> {
  const stripped = call.args[0] === 'kubectl' ? call.args.slice(1) : [...call.args];
  let args: string[];
  try {
    args = withKubectlDefaults(applyNamespace(stripped, call.namespace));
  } catch (error) {
    if (error instanceof PolicyInputError) {
      return { type: 'denied', command: showCommand(stripped), reason: error.message, source: 'local' };
    }
    throw error;
  }
  const decision = evaluate(args, context.policyFor(call.clusterId));
  const command = showCommand(decision.argv.length > 0 ? decision.argv : args);
  if (!decision.allowed) return { type: 'denied', command, reason: decision.reason, source: 'local' };
  const run = await context.gateway.runKubectl({
    clusterId: call.clusterId,
    args: decision.argv,
    ...(call.timeoutSeconds === undefined ? {} : { timeoutSeconds: call.timeoutSeconds }),
    signal,
  });
  if (run.type === 'failure') {
    return run.code === 'policy_denied'
      ? { type: 'denied', command, reason: scrubSecrets(run.message).text, source: 'remote' }
      : { type: 'failure', command, code: run.code, message: scrubSecrets(run.message).text };
  }
  const redacted = redactOutput(decision, run.stdout);
  const stdout = scrubSecrets(redacted.output);
  const stderr = scrubSecrets(run.stderr);
  return {
    type: 'result',
    command,
    exitCode: run.exitCode,
    stdout: stdout.text,
    stderr: stderr.text,
    isForbidden: forbidden.test(run.stderr),
    executorTruncated: run.truncated,
    redactions: run.redactions + redacted.redactions + stdout.redactions + stderr.redactions,
  };
}
