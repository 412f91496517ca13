import type { StreamTokenUsage } from '@kubently/protocol';

import type { Palette } from '../format/index.js';

export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

const count = new Intl.NumberFormat('en-US');

export function formatCost(costUsd: number): string {
  return `$${costUsd.toFixed(costUsd < 0.01 ? 4 : 3)}`;
}

export interface ToolFinish {
  readonly outcome: 'ok' | 'error' | 'denied';
  readonly durationMs: number;
  readonly summary: string;
}

/** `✓ 0.4s exit 0, 12 lines`, `✗ 0.2s exit 1, ...`, `✗ denied: ...`. */
export function formatToolFinish(finish: ToolFinish, palette: Palette): string {
  const duration = formatDuration(finish.durationMs);
  switch (finish.outcome) {
    case 'ok':
      return `${palette.green('✓')} ${palette.dim(`${duration} ${finish.summary}`)}`;
    case 'error':
      return `${palette.red('✗')} ${duration} ${finish.summary}`;
    case 'denied':
      return `${palette.red('✗')} ${palette.yellow(`denied: ${finish.summary.replace(/^policy_denied:\s*/, '')}`)}`;
  }
}

export interface TurnSummary {
  readonly usage: StreamTokenUsage | null;
  readonly costUsd: number | null;
  readonly toolCalls: number;
  readonly elapsedMs: number;
}

/** `─ 1,234 tokens (1,000 in, 234 out) · $0.0012 · 2 tool calls · 3.4s`, or null without usage. */
export function formatTurnSummary(summary: TurnSummary): string | null {
  if (summary.usage === null) return null;
  const { usage } = summary;
  const parts = [
    `${count.format(usage.totalTokens)} tokens (${count.format(usage.inputTokens)} in, ${count.format(usage.outputTokens)} out${usage.cachedInputTokens > 0 ? `, ${count.format(usage.cachedInputTokens)} cached` : ''})`,
    ...(summary.costUsd === null ? [] : [formatCost(summary.costUsd)]),
    `${summary.toolCalls} tool call${summary.toolCalls === 1 ? '' : 's'}`,
    formatDuration(summary.elapsedMs),
  ];
  return `─ ${parts.join(' · ')}`;
}
