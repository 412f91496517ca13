import type { KubectlOutcome, KubectlRun } from '@kubently/diagnosis';
import { commandResponseSchema, errorBodySchema } from '@kubently/protocol';

/**
 * A `KubectlRun` through the relay's public REST API (`POST /v1/commands`): the server queues the
 * argv for the cluster's executor, which runs kubectl under its policy and posts the result back.
 */
export const relayKubectlRun =
  (options: { readonly url: string; readonly apiKey: string; readonly clusterId: string }): KubectlRun =>
  async (args, signal) => {
    const response = await fetch(`${options.url}/v1/commands`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': options.apiKey },
      body: JSON.stringify({ clusterId: options.clusterId, args, timeoutSeconds: 60 }),
      signal,
    });
    const body: unknown = await response.json();
    if (response.status !== 200) {
      const error = errorBodySchema.safeParse(body);
      return {
        type: 'failure',
        code: error.success ? error.data.error.code : `http_${String(response.status)}`,
        message: error.success ? error.data.error.message : JSON.stringify(body),
      };
    }
    const answer = commandResponseSchema.parse(body);
    if (answer.exitCode === undefined) {
      return {
        type: 'failure',
        code: answer.failure?.code ?? answer.status,
        message: answer.failure?.message ?? `command ended ${answer.status}`,
      };
    }
    const outcome: KubectlOutcome = {
      type: 'result',
      exitCode: answer.exitCode,
      stdout: answer.stdout ?? '',
      stderr: answer.stderr ?? '',
      truncated: answer.truncated ?? false,
    };
    return outcome;
  };
