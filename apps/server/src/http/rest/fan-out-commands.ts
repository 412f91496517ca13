import { commandLimits, fanOutCommandRequestSchema } from '@kubently/protocol';
import type { CommandResponse, FanOutCommandResponse } from '@kubently/protocol';

import type { Caller } from '../../auth/api-key-verifier.js';
import { toCommandResponse } from '../../commands/command-response.js';
import { fanOut } from '../../commands/fan-out.js';
import type { ServerServices } from '../../services.js';
import { parseBody } from '../read-json.js';

/** Clusters one command fan-out works on at once (each holds one of the caller's in-flight slots). */
const commandFanOutConcurrency = 8;

export interface FanOutCommandContext {
  readonly caller: Caller;
  readonly correlationId: string;
  readonly wait: boolean;
  readonly requestTimeoutSeconds: number | undefined;
  readonly signal: AbortSignal;
}

/**
 * `POST /v1/commands` with `clusterIds`: the same command on each cluster, through the same
 * `submit` as one cluster (policy, limits, audit, queue: DESIGN §2 per command). With a
 * `callbackUrl` (or `?wait=false`) every command is queued and the answer is 202 with the queued
 * records; each command's callback is delivered on its own when it ends.
 */
export const runCommandFanOut = async (
  services: ServerServices,
  body: unknown,
  context: FanOutCommandContext,
): Promise<{ readonly body: FanOutCommandResponse; readonly status: 200 | 202 }> => {
  const request = parseBody(fanOutCommandRequestSchema, body);
  const callbackUrl =
    request.callbackUrl === undefined ? undefined : await services.callbacks.accept(request.callbackUrl);
  const wait = context.wait && callbackUrl === undefined;
  const answer = await fanOut<CommandResponse>({
    clusterIds: request.clusterIds,
    caller: context.caller,
    clusters: services.clusters,
    concurrency: Math.min(commandFanOutConcurrency, services.config.maxCommandsInFlightPerIdentity),
    logger: services.logger,
    run: async (clusterId) => {
      const record = await services.commands.submit({
        clusterId,
        args: request.args,
        command: request.command,
        namespace: request.namespace,
        timeoutSeconds: request.timeoutSeconds ?? commandLimits.defaultTimeoutSeconds,
        caller: context.caller,
        correlationId: context.correlationId,
        source: 'rest',
        wait,
        requestTimeoutSeconds: context.requestTimeoutSeconds,
        signal: context.signal,
      });
      if (callbackUrl !== undefined) await services.callbacks.register(record, callbackUrl);
      return toCommandResponse(record);
    },
  });
  return { body: answer, status: wait ? 200 : 202 };
};
