import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';

/** The nearest-rank percentile of an ascending array (NaN when empty). */
export const percentile = (sorted: readonly number[], q: number): number =>
  sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;

/** "2 CPU (model), 24 GiB, node v20; load average a b c" at the moment of the call. */
export const machineLine = (): string =>
  `machine: ${cpus().length} CPU (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}; load average at start ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`;

/** The short commit of the checkout, with "+dirty" when the work tree has changes. */
export const benchCommit = (root: string): string => {
  const git = (...args: string[]): string =>
    execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' }).trim();
  try {
    return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--untracked-files=no') === '' ? '' : '+dirty'}`;
  } catch {
    return 'unknown';
  }
};
