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

const durationBucketsSeconds = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300,
] as const;

/** The executor's Prometheus metrics, rendered in the text exposition format. */
export class ExecutorMetrics {
  readonly #commands = new Map<CommandOutcome, number>(commandOutcomes.map((outcome) => [outcome, 0]));
  readonly #bucketCounts: number[] = durationBucketsSeconds.map(() => 0);
  #durationSum = 0;
  #durationCount = 0;
  #reconnects = 0;
  #isConnected = false;
  #running = 0;

  commandFinished(outcome: CommandOutcome, durationSeconds: number): void {
    this.#commands.set(outcome, (this.#commands.get(outcome) ?? 0) + 1);
    durationBucketsSeconds.forEach((bound, index) => {
      if (durationSeconds <= bound) this.#bucketCounts[index] = (this.#bucketCounts[index] ?? 0) + 1;
    });
    this.#durationSum += durationSeconds;
    this.#durationCount += 1;
  }

  reconnected(): void {
    this.#reconnects += 1;
  }

  setConnected(isConnected: boolean): void {
    this.#isConnected = isConnected;
  }

  get isConnected(): boolean {
    return this.#isConnected;
  }

  setRunning(running: number): void {
    this.#running = running;
  }

  render(): string {
    const lines = [
      '# HELP kubently_executor_commands_total Commands handled, by outcome.',
      '# TYPE kubently_executor_commands_total counter',
      ...commandOutcomes.map(
        (o) => `kubently_executor_commands_total{outcome="${o}"} ${this.#commands.get(o) ?? 0}`,
      ),
      '# HELP kubently_executor_command_duration_seconds Time from receiving a command to its result.',
      '# TYPE kubently_executor_command_duration_seconds histogram',
      ...durationBucketsSeconds.map(
        (bound, i) =>
          `kubently_executor_command_duration_seconds_bucket{le="${bound}"} ${this.#bucketCounts[i] ?? 0}`,
      ),
      `kubently_executor_command_duration_seconds_bucket{le="+Inf"} ${this.#durationCount}`,
      `kubently_executor_command_duration_seconds_sum ${this.#durationSum}`,
      `kubently_executor_command_duration_seconds_count ${this.#durationCount}`,
      '# HELP kubently_executor_reconnects_total Times the link to the server was re-established.',
      '# TYPE kubently_executor_reconnects_total counter',
      `kubently_executor_reconnects_total ${this.#reconnects}`,
      '# HELP kubently_executor_connected Whether the link to the server is up (1) or down (0).',
      '# TYPE kubently_executor_connected gauge',
      `kubently_executor_connected ${this.#isConnected ? 1 : 0}`,
      '# HELP kubently_executor_commands_running Commands currently running.',
      '# TYPE kubently_executor_commands_running gauge',
      `kubently_executor_commands_running ${this.#running}`,
    ];
    return `${lines.join('\n')}\n`;
  }
}
