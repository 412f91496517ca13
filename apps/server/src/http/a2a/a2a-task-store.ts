import type { ListTasksRequest, ListTasksResponse, Task } from '@a2a-js/sdk';
import type { ServerCallContext, TaskStore } from '@a2a-js/sdk/server';

import type { AgentTaskStore } from '../../state/agent-task-store.js';
import { asA2a } from './a2a-errors.js';
import { callerUserOf } from './caller-user.js';

/** A call without a caller sees nothing; the routes never build one, this is defence in depth. */
const ownerOf = (context: ServerCallContext): string | null => callerUserOf(context)?.caller.identity ?? null;

/** The SDK's TaskStore over the state backend: tasks are scoped to the caller's identity. */
export const createA2aTaskStore = (tasks: AgentTaskStore): TaskStore => ({
  save: (task: Task, context: ServerCallContext) =>
    asA2a(async () => {
      const owner = ownerOf(context);
      if (owner !== null) await tasks.save(owner, task);
    }),
  load: (taskId: string, context: ServerCallContext) =>
    asA2a(async () => {
      const owner = ownerOf(context);
      return owner === null ? undefined : ((await tasks.load(owner, taskId)) ?? undefined);
    }),
  list: (request: ListTasksRequest, context: ServerCallContext): Promise<ListTasksResponse> =>
    asA2a(async () => {
      const owner = ownerOf(context);
      if (owner === null)
        return { tasks: [], nextPageToken: '', pageSize: request.pageSize ?? 0, totalSize: 0 };
      return tasks.list(owner, request);
    }),
});
