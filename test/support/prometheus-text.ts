import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const buildScript = fileURLToPath(new URL('../../deploy/observability/build-promtool.sh', import.meta.url));

/** One sample as prom2json prints it: histograms carry buckets, count and sum instead of value. */
export interface ParsedSample {
  readonly value?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly buckets?: Readonly<Record<string, string>>;
  readonly count?: string;
  readonly sum?: string;
}

export interface ParsedFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
  readonly metrics: readonly ParsedSample[];
}

/**
 * A scrape parsed by Prometheus's own text-format parser (prometheus/common/expfmt, through
 * prom2json): a scrape Prometheus could not ingest fails here.
 */
export class Scrape {
  private constructor(
    readonly text: string,
    readonly families: readonly ParsedFamily[],
  ) {}

  static async parse(text: string): Promise<Scrape> {
    const parsed = await runTool('prom2json', [], text);
    if (parsed.code !== 0)
      throw new Error(`prom2json refused the scrape (exit ${parsed.code}): ${parsed.stderr}`);
    return new Scrape(text, JSON.parse(parsed.stdout) as ParsedFamily[]);
  }

  family(name: string): ParsedFamily | undefined {
    return this.families.find((family) => family.name === name);
  }

  /** The samples of `name` whose labels include `labels`. */
  samples(name: string, labels: Readonly<Record<string, string>> = {}): ParsedSample[] {
    return (this.family(name)?.metrics ?? []).filter((sample) =>
      Object.entries(labels).every(([key, value]) => sample.labels?.[key] === value),
    );
  }

  /** The value of the one sample of a counter or gauge matching `labels`; 0 when there is none. */
  value(name: string, labels: Readonly<Record<string, string>> = {}): number {
    const found = this.samples(name, labels);
    if (found.length > 1)
      throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
    return found[0] === undefined ? 0 : Number(found[0].value);
  }

  /** The observation count of the one histogram sample matching `labels`; 0 when there is none. */
  count(name: string, labels: Readonly<Record<string, string>> = {}): number {
    const found = this.samples(name, labels);
    if (found.length > 1)
      throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
    return found[0] === undefined ? 0 : Number(found[0].count);
  }

  /** Every label value `label` takes across all families. */
  labelValues(label: string): Set<string> {
    const values = new Set<string>();
    for (const family of this.families)
      for (const sample of family.metrics) {
        const value = sample.labels?.[label];
        if (value !== undefined) values.add(value);
      }
    return values;
  }
}

/** The cached tool directory (deploy/observability/build-promtool.sh; .ci/run builds it first). */
export const prometheusToolsDir = (): Promise<string> =>
  new Promise((resolve, reject) => {
    execFile('bash', [buildScript, '--check'], (error, stdout) => {
      if (error !== null) {
        reject(
          new Error(
            'promtool and prom2json are not built for this checkout; run `bash deploy/observability/build-promtool.sh` (cold: several minutes)',
          ),
        );
        return;
      }
      resolve(stdout.trim());
    });
  });

/** Runs a cached Prometheus tool with `args`, `stdin` piped in. */
export const runTool = async (
  tool: 'promtool' | 'prom2json',
  args: readonly string[],
  stdin = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> => {
  const binary = `${await prometheusToolsDir()}/${tool}`;
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => {
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
};

/**
 * prom-client's default Node.js gauges whose names end in `_total`, which promtool's linter flags;
 * they are the library's names, not ours, and dashboards use them as they are.
 */
const promClientLintExceptions = new Set([
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
]);

/**
 * `promtool check metrics`: Prometheus's own parser and linter over a scrape. Resolves with the lint
 * problems (minus prom-client's known ones); rejects when promtool cannot parse the scrape at all.
 */
export const checkMetrics = async (text: string): Promise<string[]> => {
  const checked = await runTool('promtool', ['check', 'metrics'], text);
  const output = `${checked.stdout}${checked.stderr}`;
  // Exit 0: clean; 3: lint problems only; anything else: the scrape did not parse.
  if (checked.code !== 0 && checked.code !== 3)
    throw new Error(`promtool check metrics failed (exit ${checked.code}): ${output}`);
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .filter((line) => !promClientLintExceptions.has(line.split(' ')[0] ?? ''));
};
