export interface ScrubResult {
  readonly text: string;
  readonly redactions: number;
}

const marker = '[REDACTED by kubently]';

/**
 * Defensive redaction of credential-shaped text, applied to every tool output before a model sees
 * it, even though the executor redacts Secret values already: environment dumps, logs and
 * annotations can still carry tokens.
 */
const patterns: readonly {
  readonly pattern: RegExp;
  readonly replace: (match: string, ...groups: string[]) => string;
}[] = [
  {
    pattern: /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----[\s\S]*?(?:-----END \1-----|$)/g,
    replace: (_match, kind) => `-----BEGIN ${kind}----- ${marker} -----END ${kind}-----`,
  },
  {
    pattern: /\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]{8,}=*/gi,
    replace: (_match, scheme) => `${scheme} ${marker}`,
  },
  { pattern: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, replace: () => marker },
  { pattern: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, replace: () => marker },
  { pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})\b/g, replace: () => marker },
  { pattern: /\b(?:sk|rk)-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}\b/g, replace: () => marker },
  { pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g, replace: () => marker },
  {
    pattern:
      /((?:password|passwd|secret|token|api[_-]?key|client[_-]?secret|access[_-]?key)["']?\s*[:=]\s*["']?)([^\s"',;[][^\s"',;]{5,})/gi,
    replace: (_match, prefix) => `${prefix}${marker}`,
  },
  {
    pattern: /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)([^\s@/]+)(@)/gi,
    replace: (_match, head, _secret, at) => `${head}${marker}${at}`,
  },
];

export function scrubSecrets(text: string): ScrubResult {
  let redactions = 0;
  let result = text;
  for (const { pattern, replace } of patterns) {
    result = result.replace(pattern, (...args: unknown[]) => {
      const match = String(args[0]);
      if (match.includes(marker)) return match;
      redactions += 1;
      const groups = args.slice(1).filter((value): value is string => typeof value === 'string');
      return replace(match, ...groups);
    });
  }
  return { text: result, redactions };
}
