import type { AgentEvent } from './agent-event.js';
import type { AgentRequest, AgentServices } from './agent-services.js';
import { runAgent } from './create-agent.js';

/**
 * The same run as `runAgent`, as an async iterable of events ending with `final` or `error`.
 * Breaking out of the loop does not cancel the run: abort `request.signal` for that.
 */
export async function* agentEventStream(
  services: AgentServices,
  request: Omit<AgentRequest, 'onEvent'>,
): AsyncGenerator<AgentEvent, void, undefined> {
  const queue: AgentEvent[] = [];
  const state: { wake: (() => void) | null; isDone: boolean } = { wake: null, isDone: false };
  const run = runAgent(services, {
    ...request,
    onEvent: (event) => {
      queue.push(event);
      state.wake?.();
    },
  }).finally(() => {
    state.isDone = true;
    state.wake?.();
  });
  for (;;) {
    const event = queue.shift();
    if (event !== undefined) {
      yield event;
      continue;
    }
    if (state.isDone) break;
    await new Promise<void>((resolve) => {
      state.wake = resolve;
    });
    state.wake = null;
  }
  await run;
}
