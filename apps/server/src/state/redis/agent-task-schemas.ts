import type { Task } from '@a2a-js/sdk';
import type { AgentExecutionEvent } from '@a2a-js/sdk/server';
import { z } from 'zod';

/**
 * Shape checks for the A2A objects the Redis backend stores and relays. They are the SDK's types,
 * not ours: the check covers what the server itself reads (ids, status state and time, the lists
 * it walks) and keeps every other field as it is; the SDK trusts the rest.
 */
const taskStatusSchema = z.looseObject({
  state: z.number().int(),
  timestamp: z.string().optional(),
});

const taskShapeSchema = z.looseObject({
  id: z.string().min(1),
  contextId: z.string(),
  status: taskStatusSchema.optional(),
  artifacts: z.array(z.looseObject({ artifactId: z.string() })),
  history: z.array(z.looseObject({ messageId: z.string() })),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

export const storedTaskSchema: z.ZodType<Task> = z.custom<Task>(
  (value) => taskShapeSchema.safeParse(value).success,
  'not an A2A task (id, contextId, artifacts and history lists, status.state a number)',
);

/** One live event of a running task, as the running replica publishes it. */
const taskEventShapeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('task'), data: taskShapeSchema }),
  z.object({
    kind: z.literal('statusUpdate'),
    data: z.looseObject({ taskId: z.string(), contextId: z.string(), status: taskStatusSchema.optional() }),
  }),
  z.object({
    kind: z.literal('artifactUpdate'),
    data: z.looseObject({
      taskId: z.string(),
      contextId: z.string(),
      artifact: z.looseObject({ artifactId: z.string() }).optional(),
    }),
  }),
  z.object({ kind: z.literal('message'), data: z.looseObject({ messageId: z.string() }) }),
]);

export const taskEventSchema: z.ZodType<AgentExecutionEvent> = z.custom<AgentExecutionEvent>(
  (value) => taskEventShapeSchema.safeParse(value).success,
  'not an A2A task event (kind task, statusUpdate, artifactUpdate or message, with its data)',
);

/** A cancel request between replicas on the `agent-task-events` channel. */
export const cancelMessageSchema = z.object({
  type: z.literal('cancel'),
  from: z.string(),
  taskId: z.string().min(1),
});
export type CancelMessage = z.infer<typeof cancelMessageSchema>;
