import type { AgentErrorEvent, AgentEvent, AgentFinalEvent } from './agent-event.js';
import type { AgentRequest, AgentServices } from './agent-services.js';
import { runEngineOnly } from './run-engine-only.js';
import { runModelLoop } from './run-model-loop.js';

export interface Agent {
  /** `model` when a language model is configured, `engine` for the engine-only mode. */
  readonly mode: 'model' | 'engine';
  /** Runs one question; resolves with the last event (`final` or `error`), never rejects. */
  run(request: AgentRequest): Promise<AgentFinalEvent | AgentErrorEvent>;
}

/**
 * Runs one question. Events go to `request.onEvent` in order, ending with exactly one `final` or
 * `error`, which is also the resolved value. Never rejects: failures are `error` events.
 */
export async function runAgent(
  services: AgentServices,
  request: AgentRequest,
): Promise<AgentFinalEvent | AgentErrorEvent> {
  const signal = request.signal ?? new AbortController().signal;
  const emit = (event: AgentEvent): void => {
    try {
      request.onEvent?.(event);
    } catch {
      // A listener's failure must not break the run; the listener owns its own errors.
    }
  };
  let last: AgentFinalEvent | AgentErrorEvent;
  try {
    if (signal.aborted) {
      last = { type: 'error', code: 'cancelled', message: 'The request was cancelled.' };
    } else {
      const model = services.model ?? null;
      last =
        model === null
          ? await runEngineOnly(services, request, signal, emit)
          : await runModelLoop(services, model, request, signal, emit);
    }
  } catch (error) {
    last = signal.aborted
      ? { type: 'error', code: 'cancelled', message: 'The request was cancelled.' }
      : { type: 'error', code: 'internal', message: error instanceof Error ? error.message : String(error) };
  }
  emit(last);
  return last;
}

export function createAgent(services: AgentServices): Agent {
  return {
    mode: services.model === undefined || services.model === null ? 'engine' : 'model',
    run: (request) => runAgent(services, request),
  };
}
