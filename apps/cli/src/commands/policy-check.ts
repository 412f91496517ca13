import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';

import { defaultPolicyConfig, evaluate, parsePolicyConfig, PolicyConfigError } from '@kubently/policy';
import type { PolicyConfig } from '@kubently/policy';
import { policyModeSchema, policyModes } from '@kubently/protocol';
import type { PolicyMode } from '@kubently/protocol';
import { parse as parseYaml } from 'yaml';

import { parseCommandArgs } from '../args/index.js';
import type { CliIo } from '../cli-io.js';
import type { CommandSpec } from '../command-spec.js';
import { exitCodes } from '../exit-codes.js';
import { KubentlyError } from '../kubently-error.js';

const usage = 'kubently policy check [--mode MODE] [--config FILE] -- <kubectl args...>';

export const policyCheckCommand: CommandSpec = {
  path: ['policy', 'check'],
  summary: 'Show what the command policy decides for a kubectl command (nothing is run)',
  help: `Usage: ${usage}

Evaluates kubectl arguments with the same policy the server and the executor enforce and prints
the decision as JSON. Nothing is sent anywhere.

Flags:
  --mode MODE     ${policyModes.join(' | ')} (default: readOnly, or the config file's mode)
  --config FILE   a per-cluster policy config file (JSON, or YAML for .yaml/.yml)

Exit codes: 0 allowed, 3 denied, 2 usage error (bad flags, unreadable or invalid config file).

Examples:
  kubently policy check -- get pods -n kube-system      # exit 0
  kubently policy check -- delete pod x                 # exit 3, reason names "delete"
  kubently policy check --mode extendedReadOnly -- top pods`,
  run: async (argv, io) => {
    const { values, positionals, passthrough } = parseCommandArgs(
      argv,
      { mode: { type: 'string' }, config: { type: 'string' } },
      usage,
    );
    if (positionals.length > 0) {
      throw new KubentlyError(
        'usage',
        `put kubectl arguments after \`--\`: kubently policy check -- ${positionals.join(' ')}\n  usage: ${usage}`,
      );
    }
    if (passthrough === undefined || passthrough.length === 0) {
      throw new KubentlyError('usage', `no kubectl arguments to check\n  usage: ${usage}`);
    }
    const mode = parseMode(values.mode);
    const config = await loadPolicyConfig(values.config, mode, io);
    const decision = evaluate(passthrough, config);
    io.stdout.write(`${JSON.stringify(decision, null, 2)}\n`);
    if (!decision.allowed) {
      io.stderr.write(
        `kubently: denied by the command policy: ${decision.reason.replace(/^denied:\s*/, '')}\n`,
      );
      return exitCodes.policyDenied;
    }
    return exitCodes.ok;
  },
};

function parseMode(raw: string | undefined): PolicyMode | undefined {
  if (raw === undefined) return undefined;
  const parsed = policyModeSchema.safeParse(raw);
  if (!parsed.success) {
    throw new KubentlyError('usage', `--mode must be one of ${policyModes.join(', ')}; got "${raw}"`);
  }
  return parsed.data;
}

async function loadPolicyConfig(
  file: string | undefined,
  mode: PolicyMode | undefined,
  io: CliIo,
): Promise<PolicyConfig> {
  try {
    if (file === undefined) return defaultPolicyConfig(mode);
    const path = resolve(io.cwd, file);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new KubentlyError('usage', `cannot read the policy config file ${path}: ${String(error)}`, {
        cause: error,
      });
    }
    const input = parseConfigText(path, text);
    // --mode overrides the file's mode; everything else in the file still applies.
    const merged = mode === undefined || !isRecord(input) ? input : { ...input, mode };
    return parsePolicyConfig(merged);
  } catch (error) {
    if (error instanceof PolicyConfigError) {
      const where = file === undefined ? '--mode' : `policy config ${file}`;
      throw new KubentlyError('config_invalid', `invalid ${where}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

function parseConfigText(path: string, text: string): unknown {
  const isYaml = ['.yaml', '.yml'].includes(extname(path).toLowerCase());
  try {
    return isYaml ? (parseYaml(text) as unknown) : (JSON.parse(text) as unknown);
  } catch (error) {
    const kind = isYaml ? 'YAML' : 'JSON (use a .yaml or .yml name for YAML)';
    throw new KubentlyError(
      'config_invalid',
      `the policy config file ${path} is not valid ${kind}: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
