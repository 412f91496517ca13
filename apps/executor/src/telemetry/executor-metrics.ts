import { kubectlVerbLabel } from '@kubently/protocol';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** How a command ended, as counted in `kubently_executor_commands_total{outcome}`. */
export const commandOutcomes = [
  'succeeded',
  'failed',
  'policy_denied',
  'command_timeout',
  'spawn_failed',
  'executor_error',
  'cancelled',
] as const;
export type CommandOutcome = (typeof commandOutcomes)[number];

const durationBucketsSeconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

const verbOf = kubectlVerbLabel;

export interface ExecutorMetricsOptions {
  /** Every series carries `cluster`: one value per executor process, so bounded by construction. */
  readonly clusterId?: string;
  /** process_* and nodejs_* (prom-client defaults); off where many executors share a process (tests). */
  readonly processMetrics?: boolean;
}

/**
 * Every instrument of the executor, declared here and nowhere else, on a registry of its own (the
 * CLI's `up` runs an executor beside a server in one process). Served on the health port.
 */
export class ExecutorMetrics {
  readonly #registry = new Registry();
  readonly #commands: Counter<'outcome'>;
  readonly #duration: Histogram<'verb' | 'outcome'>;
  readonly #reconnects: Counter;
  readonly #connected: Gauge;
  readonly #running: Gauge;
  readonly #resultPosts: Counter<'outcome'>;
  #isConnected = false;

  constructor(options: ExecutorMetricsOptions = {}) {
    const registers = [this.#registry];
    if (options.clusterId !== undefined) this.#registry.setDefaultLabels({ cluster: options.clusterId });
    if (options.processMetrics ?? false) collectDefaultMetrics({ register: this.#registry });
    this.#commands = new Counter({
      name: 'kubently_executor_commands_total',
      help: 'Commands handled, by outcome.',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of commandOutcomes) this.#commands.inc({ outcome }, 0);
    this.#duration = new Histogram({
      name: 'kubently_executor_command_duration_seconds',
      help: 'Time from receiving a command to its result, by kubectl verb and outcome.',
      labelNames: ['verb', 'outcome'],
      buckets: durationBucketsSeconds,
      registers,
    });
    this.#reconnects = new Counter({
      name: 'kubently_executor_reconnects_total',
      help: 'Times the link to the server was re-established.',
      registers,
    });
    this.#connected = new Gauge({
      name: 'kubently_executor_connected',
      help: 'Whether the link to the server is up (1) or down (0).',
      registers,
    });
    this.#running = new Gauge({
      name: 'kubently_executor_commands_running',
      help: 'Commands currently running.',
      registers,
    });
    this.#resultPosts = new Counter({
      name: 'kubently_executor_result_posts_total',
      help: 'Result deliveries to the server that ended, by outcome (acked, gave_up, ...).',
      labelNames: ['outcome'],
      registers,
    });
  }

  get contentType(): string {
    return this.#registry.contentType;
  }

  commandFinished(outcome: CommandOutcome, durationSeconds: number, argv: readonly string[] = []): void {
    this.#commands.inc({ outcome });
    this.#duration.observe({ verb: verbOf(argv), outcome }, Math.max(0, durationSeconds));
  }

  resultDelivered(outcome: string): void {
    this.#resultPosts.inc({ outcome: /^[a-z_]{1,32}$/.test(outcome) ? outcome : 'other' });
  }

  reconnected(): void {
    this.#reconnects.inc();
  }

  setConnected(isConnected: boolean): void {
    this.#isConnected = isConnected;
    this.#connected.set(isConnected ? 1 : 0);
  }

  get isConnected(): boolean {
    return this.#isConnected;
  }

  setRunning(running: number): void {
    this.#running.set(running);
  }

  /** The Prometheus text exposition format. */
  render(): Promise<string> {
    return this.#registry.metrics();
  }
}
