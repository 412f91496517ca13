import { AGENT_CARD_PATH } from '@a2a-js/sdk';
import { errorBodySchema } from '@kubently/protocol';

import { describeHttpError } from '../api/describe-http-error.js';
import { describeNetworkError } from '../api/describe-network-error.js';
import type { Connection } from '../config/index.js';
import { KubentlyError } from '../kubently-error.js';

/**
 * The fetch the A2A SDK uses: turns the failures a person can fix (no server, wrong key, no agent
 * at that URL) into `KubentlyError`s with the fix in the message before the SDK wraps them in
 * generic errors. JSON-RPC errors pass through for the SDK to decode.
 */
export function createAgentFetch(connection: Connection, baseFetch: typeof fetch): typeof fetch {
  return async (input, init) => {
    let response: Response;
    try {
      response = await baseFetch(input, init);
    } catch (error) {
      if (init?.signal?.aborted === true) throw error;
      throw describeNetworkError(connection, error);
    }
    if (response.ok) return response;
    const url = input instanceof Request ? input.url : String(input);
    const text = await response.clone().text();
    const body = errorBodySchema.safeParse(safeJson(text));
    if (body.success) throw describeHttpError(connection, response.status, body.data, text);
    if (response.status === 401 || response.status === 403) {
      throw describeHttpError(connection, response.status, null, text);
    }
    if (response.status === 404 && url.endsWith(AGENT_CARD_PATH)) {
      throw new KubentlyError(
        'not_found',
        `no A2A agent card at ${url} (HTTP 404): is ${connection.urlSource} pointing at a Kubently server new enough to have the agent?`,
        { details: { url } },
      );
    }
    return response;
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
