import { checkModel, describeModel } from '@kubently/agent';
import type { AgentConfig } from '@kubently/agent';

import type { CliIo } from '../cli-io.js';
import { escapeTerminal } from '../format/index.js';
import type { Palette } from '../format/index.js';

/**
 * The banner line that says who will answer: the configured model after a quick reachability
 * check (a warning, not silence, when it fails), or the diagnosis engine when none is configured.
 */
export async function modelBanner(config: AgentConfig, io: CliIo, palette: Palette): Promise<string> {
  if (config.model === null)
    return palette.dim(
      'answers from the diagnosis engine (no model: set KUBENTLY_LLM_PROVIDER and KUBENTLY_LLM_MODEL, see docs/agent.md)',
    );
  const name = escapeTerminal(describeModel(config.model));
  const check = await checkModel(config.model, { fetch: io.fetch, signal: io.signal });
  switch (check.type) {
    case 'reachable':
      return `answers with ${palette.bold(name)}`;
    case 'rejected':
      return palette.yellow(
        `warning: ${name} refused the API key (HTTP ${String(check.status)} from ${escapeTerminal(check.url)}); check the provider's key variable. Answers fall back to the diagnosis engine if the model fails`,
      );
    case 'unreachable':
      return palette.yellow(
        `warning: ${name} is not reachable (${escapeTerminal(check.url)}: ${escapeTerminal(check.message)}); answers fall back to the diagnosis engine if the model fails`,
      );
  }
}
