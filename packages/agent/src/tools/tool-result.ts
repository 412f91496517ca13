/** How a tool call ended, as the A2A/CLI layers show it. */
export type ToolOutcome = 'ok' | 'error' | 'denied';

/**
 * What every tool returns to the model. Failures are results with `ok: false` and the reason, so
 * the model reads them; they are never reported as success.
 */
export type ToolResult =
  | ({ readonly ok: true; readonly summary: string } & Readonly<Record<string, unknown>>)
  | ({
      readonly ok: false;
      /** `policy_denied`, `kubectl_failed`, `rbac_forbidden`, `command_timeout`, ... */
      readonly error: string;
      readonly reason: string;
      readonly summary: string;
    } & Readonly<Record<string, unknown>>);

export function toolFailure(error: string, reason: string, extra: Record<string, unknown> = {}): ToolResult {
  return { ...extra, ok: false, error, reason, summary: `${error}: ${firstLine(reason)}` };
}

export function outcomeOf(result: unknown): ToolOutcome {
  if (typeof result !== 'object' || result === null || !('ok' in result)) return 'error';
  if (result.ok === true) return 'ok';
  return 'error' in result && result.error === 'policy_denied' ? 'denied' : 'error';
}

export function summaryOf(result: unknown): string {
  if (
    typeof result === 'object' &&
    result !== null &&
    'summary' in result &&
    typeof result.summary === 'string'
  ) {
    return result.summary;
  }
  return '';
}

export function firstLine(text: string, max = 200): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
