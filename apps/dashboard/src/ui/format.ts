/** "12 s ago", "3 min ago": relative to `now` (injected so a refresh re-renders it). */
export const ago = (iso: string | null, now: number): string => {
  if (iso === null) return 'never';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  return `${Math.floor(seconds / 3600)} h ago`;
};

export const duration = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? '–' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;

export const time = (iso: string): string => new Date(iso).toLocaleTimeString([], { hour12: false });

/** An argv as a person would type it: kubectl plus each argument, quoted when it needs quotes. */
export const commandLine = (argv: readonly string[]): string =>
  [
    'kubectl',
    ...argv.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`)),
  ].join(' ');
