import { readFile } from 'node:fs/promises';

import type { PolicyConfig } from '@kubently/policy';

import { isAborted } from '../link/is-aborted.js';
import type { Logger } from '../logger.js';
import { hashPolicyText, parsePolicyText } from './policy-file.js';
import type { LoadedPolicy, PolicyOverrides } from './policy-file.js';

export interface PolicyWatcherOptions {
  readonly file: string;
  /** The policy and content hash read at start (config.ts). */
  readonly initial: LoadedPolicy;
  readonly overrides: PolicyOverrides;
  readonly intervalMs: number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly logger: Logger;
  /** Called once per valid change, after `current` holds the new policy. */
  readonly onReload: (policy: PolicyConfig, previous: PolicyConfig) => void;
  readonly signal: AbortSignal;
  /** Reads the file as text (default: fs readFile, which follows the ConfigMap's symlinks). */
  readonly readText?: (file: string) => Promise<string>;
}

/**
 * Reloads the policy file while the executor runs. Kubernetes updates a mounted ConfigMap by
 * swapping a `..data` symlink, which file-system events report unreliably, so the watcher reads the
 * file every `intervalMs` and compares its content's hash.
 *
 * A change that parses and validates replaces the policy for every command evaluated afterwards.
 * A change that does not (unreadable, deleted, bad YAML, a schema error) keeps the last valid
 * policy and sets `problem` (the executor's /readyz answers 503 with it) until the file is valid
 * again: fail closed for operations, never crash, never fall back to a default policy. Each
 * change logs one line, never each poll.
 */
export class PolicyWatcher {
  readonly #options: PolicyWatcherOptions;
  #current: PolicyConfig;
  /** Hash of the content `current` came from. */
  #appliedKey: string;
  /** Hash of the content (or the read error) seen at the last poll. */
  #seenKey: string;
  #problem: string | null = null;

  constructor(options: PolicyWatcherOptions) {
    this.#options = options;
    this.#current = options.initial.policy;
    this.#appliedKey = options.initial.sha256;
    this.#seenKey = options.initial.sha256;
  }

  /** The policy every command evaluated now must use. */
  get current(): PolicyConfig {
    return this.#current;
  }

  /** Why the file on disk is not the policy in force, or null when it is. */
  get problem(): string | null {
    return this.#problem;
  }

  /** Polls every `intervalMs` until the signal aborts. */
  async run(): Promise<void> {
    const { signal } = this.#options;
    while (!signal.aborted) {
      await this.#options.sleep(this.#options.intervalMs, signal).catch(() => undefined);
      if (isAborted(signal)) break;
      await this.check();
    }
  }

  /** One poll: reads the file and reloads it when its content changed. */
  async check(): Promise<void> {
    const { file, logger } = this.#options;
    const read = this.#options.readText ?? ((path: string) => readFile(path, 'utf8'));
    let text: string;
    try {
      text = await read(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const message = `KUBENTLY_POLICY_FILE: cannot read ${file}: ${code ?? String(error)}`;
      this.#reject(`unreadable:${message}`, message);
      return;
    }
    const key = hashPolicyText(text);
    if (key === this.#seenKey) return;
    this.#seenKey = key;
    let policy: PolicyConfig;
    try {
      policy = parsePolicyText(file, text, this.#options.overrides);
    } catch (error) {
      this.#reject(key, error instanceof Error ? error.message : String(error));
      return;
    }
    const previous = this.#current;
    const wasInvalid = this.#problem !== null;
    this.#problem = null;
    if (key === this.#appliedKey) {
      if (wasInvalid)
        logger.info(
          { policyFile: file, mode: previous.mode },
          'the policy file is valid again (unchanged policy)',
        );
      return;
    }
    this.#current = policy;
    this.#appliedKey = key;
    logger.info(
      { policyFile: file, oldMode: previous.mode, newMode: policy.mode },
      `policy reloaded from the file: ${previous.mode} → ${policy.mode}`,
    );
    this.#options.onReload(policy, previous);
  }

  #reject(key: string, message: string): void {
    if (key === this.#seenKey && this.#problem !== null) return;
    this.#seenKey = key;
    this.#problem = `${message}; the last valid policy (${this.#current.mode}) stays in force`;
    this.#options.logger.error(
      { policyFile: this.#options.file, problem: message, mode: this.#current.mode },
      'the policy file changed and is invalid: keeping the last valid policy, /readyz reports not ready until it is fixed',
    );
  }
}
