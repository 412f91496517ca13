import type { ListRead } from '@kubently/diagnosis';

import { relayCommand } from './relay-kubectl-run.js';
import type { RelayKubectlRunOptions } from './relay-kubectl-run.js';

/**
 * The collector's read port over the relay: each read is a command carrying `read` (decision
 * 0011), submitted like `POST /v1/commands` (policy pre-check of `readArgv(read)`, queue, executor,
 * audit as the caller with source `diagnosis`, cancel when the diagnosis is aborted). The executor
 * answers it through the Kubernetes API; one without the read path runs the kubectl argv instead,
 * which prints the same List.
 */
export const relayListRead =
  (options: RelayKubectlRunOptions): ListRead =>
  (read, signal) =>
    relayCommand(options, { read }, signal);
