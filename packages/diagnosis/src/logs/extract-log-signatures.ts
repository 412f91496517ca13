import { scrubSecrets } from '@kubently/protocol';
import type { LogSignature, LogSignatureType } from './log-signature.js';
import { quoteLogLine } from './quote-log-line.js';

interface Pattern {
  readonly type: LogSignatureType;
  readonly test: RegExp;
  /** Group 1 of the first of these that matches is the `detail` (variable, file, module). */
  readonly detail?: readonly RegExp[];
}

/** Checked in order; the first that matches a line decides its type. */
const patterns: readonly Pattern[] = [
  {
    type: 'dns-failure',
    test: /no such host|lookup \S+ on \S+:53|\bENOTFOUND\b|\bEAI_AGAIN\b|Name or service not known|Temporary failure in name resolution|could not translate host name|UnknownHostException|nodename nor servname|server misbehaving|getaddrinfo failed|Could not resolve host|could not resolve/i,
  },
  {
    type: 'connection-refused',
    test: /connection refused|ECONNREFUSED|actively refused|ConnectException: Connection refused/i,
  },
  {
    type: 'connection-timeout',
    test: /i\/o timeout|ETIMEDOUT|connection timed out|connect timed out|timeout expired|SocketTimeoutException|context deadline exceeded.*dial|dial.*context deadline exceeded|Connection attempt timed out|timed out connecting/i,
  },
  {
    type: 'out-of-memory',
    test: /OutOfMemoryError|JavaScript heap out of memory|out of memory|Cannot allocate memory|\bMemoryError\b|std::bad_alloc|Killed process \d+/i,
  },
  {
    type: 'missing-env',
    test: /\b(?:env(?:ironment)?(?:\s+variable)?|variable|config(?:uration)? key)\b[^A-Za-z0-9]*[A-Z][A-Z0-9_]{2,}\b.*\b(?:not set|is required|missing|undefined|must be (?:set|defined|provided)|is empty)|\b(?:missing|required) (?:required )?(?:env(?:ironment)? )?variables?:?\s+[A-Z][A-Z0-9_]{2,}|KeyError: '[A-Z][A-Z0-9_]{2,}'|\b[A-Z][A-Z0-9_]{2,}: (?:parameter not set|unbound variable)/,
    detail: [/(?:[Vv]ariable|KeyError: ')\W*([A-Z][A-Z0-9_]{2,})\b/, /\b([A-Z][A-Z0-9]*_[A-Z0-9_]+)\b/],
  },
  {
    type: 'missing-file',
    test: /no such file or directory|ENOENT|FileNotFoundError|NoSuchFileException|FileNotFoundException|cannot open .*: not found/i,
    detail: [/((?:\/[\w.@+-]+)+)/],
  },
  {
    type: 'permission-denied',
    test: /permission denied|EACCES|\bEPERM\b|operation not permitted|AccessDeniedException|read-only file system/i,
    detail: [/((?:\/[\w.@+-]+)+)/],
  },
  {
    type: 'startup-error',
    test: /Cannot find module|ModuleNotFoundError|ImportError|No module named|Could not find or load main class|ClassNotFoundException|UnsupportedClassVersionError|NoClassDefFoundError|APPLICATION FAILED TO START|address already in use|EADDRINUSE|exec format error|flag provided but not defined|SyntaxError:|Error: listen |failed to load config|invalid configuration|unknown flag|executable file not found/i,
    detail: [/(?:module named|find module|main class|ClassNotFoundException:) ['"]?([\w./@-]+)/i],
  },
  {
    type: 'panic',
    test: /^\s*panic: |^fatal error: |goroutine \d+ \[running\]|Traceback \(most recent call last\)|Exception in thread "|^\s*Unhandled exception|^\s*Uncaught \w*Error|segmentation fault|SIGSEGV|^[\w.$]+(?:Exception|Error): /,
  },
];

/** A Python traceback's header is not decisive; its last line (the exception) is. */
const tracebackHeader =
  /Traceback \(most recent call last\)|goroutine \d+ \[running\]|^\s+at [\w$.<>]+\(|^\s+File "/;

const ipv4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const hostPattern =
  '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*';

const host = `(?<host>${hostPattern})`;
const port = '(?<port>\\d{1,5})';

/** Ways logs name what they tried to reach, most explicit first (named groups `host`, `port`). */
const targetPatterns: readonly RegExp[] = [
  new RegExp(`connection to server at "${host}" \\([^)]*\\), port ${port}`),
  new RegExp(`:${port} \\(${host}\\): dial error`),
  new RegExp(`host "${host}"(?:[^"]*?port ${port})?`),
  new RegExp(`could not translate host name "${host}"`),
  new RegExp(`(?:lookup|resolve|ENOTFOUND|EAI_AGAIN|UnknownHostException:|Could not resolve host:?) ${host}`),
  new RegExp(`(?:dial tcp|ECONNREFUSED|ETIMEDOUT|connect to|connecting to|reach|at) ${host}:${port}\\b`),
  new RegExp(`\\b${host}:${port}\\b`),
];

/** `2026-12-03T10:14:02` reads as host `2026-12-03T10`, port 14: a timestamp, not a host. */
const timestampHead = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}$/;

const isHostLike = (candidate: string): boolean =>
  ipv4.test(candidate) ||
  (/[A-Za-z]/.test(candidate) &&
    !timestampHead.test(candidate) &&
    !/^(?:https?|tcp|udp|dial|error|fatal|warn|info)$/i.test(candidate));

const targetOf = (line: string): { host?: string; port?: number } => {
  for (const pattern of targetPatterns) {
    for (const match of line.matchAll(new RegExp(pattern.source, 'g'))) {
      const found = match.groups?.['host'];
      if (found === undefined || !isHostLike(found)) continue;
      const number = match.groups?.['port'] === undefined ? undefined : Number(match.groups['port']);
      return number !== undefined && number >= 1 && number <= 65535
        ? { host: found, port: number }
        : { host: found };
    }
  }
  return {};
};

const maxSignatures = 8;

/**
 * The error signatures of a container log, in order of appearance, one per distinct quoted line
 * (at most 8). Connection and DNS signatures carry the host and port they name when the line or
 * one of the next two lines says it (libpq prints the host on the line after "Connection refused").
 */
export const extractLogSignatures = (text: string): LogSignature[] => {
  const lines = text.split(/\r?\n/);
  const found: LogSignature[] = [];
  const seen = new Set<string>();
  for (const [index, raw] of lines.entries()) {
    const line = raw.replace(/^stderr\| /, '');
    if (line.trim() === '' || tracebackHeader.test(line)) continue;
    const pattern = patterns.find((candidate) => candidate.test.test(line));
    if (pattern === undefined) continue;
    const quoted = quoteLogLine(line);
    if (seen.has(quoted)) continue;
    seen.add(quoted);
    const networked =
      pattern.type === 'dns-failure' ||
      pattern.type === 'connection-refused' ||
      pattern.type === 'connection-timeout';
    // Targets are read from the redacted text, so a credential never becomes a host name.
    let target = networked ? targetOf(scrubSecrets(line).text) : {};
    if (networked && target.host === undefined)
      target = targetOf(scrubSecrets(lines.slice(index + 1, index + 3).join(' ')).text);
    const detail = (pattern.detail ?? []).map((candidate) => candidate.exec(line)?.[1]).find(Boolean);
    found.push({
      type: pattern.type,
      line: quoted,
      ...target,
      ...(detail === undefined ? {} : { detail: quoteLogLine(detail) }),
    });
    if (found.length >= maxSignatures) break;
  }
  return found;
};
