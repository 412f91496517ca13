import type { ListTasksRequest, ListTasksResponse, Task } from '@a2a-js/sdk';
import { TaskState } from '@a2a-js/sdk';

import { KubentlyError } from '../errors/kubently-error.js';

/**
 * A2A tasks of the agent, kept per owner (the caller's identity) so any replica answers GetTask and
 * ListTasks, plus the cross-replica cancel signal: CancelTask may land on a replica that does not
 * run the task, which then asks every replica to abort it (Redis: pub/sub).
 */
export interface AgentTaskStore {
  save(owner: string, task: Task): Promise<void>;
  load(owner: string, taskId: string): Promise<Task | null>;
  list(owner: string, request: ListTasksRequest): Promise<ListTasksResponse>;
  /** Asks the replica running `taskId` to cancel it; the local listeners are called too. */
  requestCancel(taskId: string): Promise<void>;
  onCancelRequested(listener: (taskId: string) => void): () => void;
  /**
   * Live events of a running task (plain JSON), for SubscribeToTask on another replica. Delivery is
   * best effort (Redis pub/sub): subscribers also re-read the stored task.
   */
  publishEvent(taskId: string, event: unknown): Promise<void>;
  /** Resolves once subscribed; the returned function unsubscribes. */
  subscribeEvents(taskId: string, listener: (event: unknown) => void): Promise<() => Promise<void>>;
}

/** Retention of the agent's state (tasks and conversations), the same for every backend. */
export const agentStateDefaults = Object.freeze({
  /** A task stays readable this long after its last update (Redis TTL). */
  taskTtlMs: 24 * 3_600_000,
  maxTasksPerOwner: 1000,
  /** Messages kept per conversation (the agent sends at most KUBENTLY_LLM_HISTORY_MESSAGES back). */
  conversationMaxMessages: 200,
  /** A conversation is forgotten this long after its last message (Redis TTL). */
  conversationTtlMs: 24 * 3_600_000,
});

export const defaultTaskPageSize = 50;
export const maxTaskPageSize = 100;

const timestampOf = (task: Task): string => task.status?.timestamp ?? '';

const encodePageToken = (task: Task): string =>
  Buffer.from(`${timestampOf(task)}|${task.id}`).toString('base64url');

const decodePageToken = (token: string): { timestamp: string; id: string } => {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const bar = text.indexOf('|');
  if (bar === -1) {
    throw new KubentlyError(
      'validation_failed',
      'pageToken is not a token this server issued; pass nextPageToken from the previous ListTasks answer',
    );
  }
  return { timestamp: text.slice(0, bar), id: text.slice(bar + 1) };
};

/**
 * ListTasks over one owner's tasks, shared by every backend: filter by contextId, state and status
 * time, newest status first (ties by id), cursor pagination, artifacts only on request,
 * `historyLength` applied per task.
 */
export const listTasks = (all: readonly Task[], request: ListTasksRequest): ListTasksResponse => {
  const pageSize = Math.min(
    maxTaskPageSize,
    Math.max(
      1,
      request.pageSize === undefined || request.pageSize === 0 ? defaultTaskPageSize : request.pageSize,
    ),
  );
  let tasks = [...all];
  if (request.contextId !== '') tasks = tasks.filter((task) => task.contextId === request.contextId);
  if (request.status !== TaskState.TASK_STATE_UNSPECIFIED) {
    tasks = tasks.filter((task) => task.status?.state === request.status);
  }
  if (request.statusTimestampAfter !== undefined && request.statusTimestampAfter !== '') {
    const after = Date.parse(request.statusTimestampAfter);
    if (Number.isNaN(after)) {
      throw new KubentlyError(
        'validation_failed',
        `statusTimestampAfter must be an ISO 8601 time such as 2026-01-31T10:00:00Z (got "${request.statusTimestampAfter}")`,
      );
    }
    tasks = tasks.filter((task) => Date.parse(timestampOf(task)) >= after);
  }
  tasks.sort((a, b) => timestampOf(b).localeCompare(timestampOf(a)) || b.id.localeCompare(a.id));
  const totalSize = tasks.length;
  if (request.pageToken !== '') {
    const cursor = decodePageToken(request.pageToken);
    const index = tasks.findIndex((task) => timestampOf(task) === cursor.timestamp && task.id === cursor.id);
    tasks = index === -1 ? [] : tasks.slice(index + 1);
  }
  const page = tasks.slice(0, pageSize);
  const last = page.at(-1);
  return {
    tasks: page.map((task) => shapeTask(task, request)),
    nextPageToken: last !== undefined && tasks.length > page.length ? encodePageToken(last) : '',
    pageSize,
    totalSize,
  };
};

const shapeTask = (task: Task, request: ListTasksRequest): Task => {
  const copy = structuredClone(task);
  if (request.includeArtifacts !== true) copy.artifacts = [];
  if (request.historyLength !== undefined) {
    copy.history = request.historyLength <= 0 ? [] : copy.history.slice(-request.historyLength);
  }
  return copy;
};
