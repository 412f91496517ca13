/**
 * Converts plain text into the CRI container log format the kubelet stores and kwok serves
 * (`<RFC3339Nano> <stdout|stderr> F <line>`). Lines prefixed with `stderr| ` go to stderr.
 * Timestamps end at `end` and are `stepMs` apart, so the newest line is the last one.
 */
export function toCriLog(text: string, end: Date, stepMs = 1000): string {
  const lines = text.replace(/\n$/, '').split('\n');
  const first = end.getTime() - (lines.length - 1) * stepMs;
  return lines
    .map((line, index) => {
      const stamp = new Date(first + index * stepMs).toISOString().replace('Z', '000000Z');
      const isStderr = line.startsWith('stderr| ');
      const body = isStderr ? line.slice('stderr| '.length) : line;
      return `${stamp} ${isStderr ? 'stderr' : 'stdout'} F ${body}\n`;
    })
    .join('');
}
