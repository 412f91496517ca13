import { TaskState } from '@a2a-js/sdk';

/** A2A task states as the CLI prints them (`-o json` `state`). */
export type TaskStateName =
  | 'unspecified'
  | 'submitted'
  | 'working'
  | 'completed'
  | 'failed'
  | 'canceled'
  | 'input-required'
  | 'rejected'
  | 'auth-required';

export function taskStateName(state: TaskState): TaskStateName {
  switch (state) {
    case TaskState.TASK_STATE_SUBMITTED:
      return 'submitted';
    case TaskState.TASK_STATE_WORKING:
      return 'working';
    case TaskState.TASK_STATE_COMPLETED:
      return 'completed';
    case TaskState.TASK_STATE_FAILED:
      return 'failed';
    case TaskState.TASK_STATE_CANCELED:
      return 'canceled';
    case TaskState.TASK_STATE_INPUT_REQUIRED:
      return 'input-required';
    case TaskState.TASK_STATE_REJECTED:
      return 'rejected';
    case TaskState.TASK_STATE_AUTH_REQUIRED:
      return 'auth-required';
    case TaskState.TASK_STATE_UNSPECIFIED:
    case TaskState.UNRECOGNIZED:
      return 'unspecified';
  }
}

/** A turn is over once its task reaches one of these (terminal or interrupted). */
export function isFinalState(name: TaskStateName): boolean {
  return name !== 'unspecified' && name !== 'submitted' && name !== 'working';
}
