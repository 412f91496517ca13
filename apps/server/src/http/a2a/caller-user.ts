import type { ServerCallContext, User } from '@a2a-js/sdk/server';

import type { Caller } from '../../auth/api-key-verifier.js';

/** The authenticated caller of an A2A call; its identity is the owner of the tasks it creates. */
export class CallerUser implements User {
  readonly caller: Caller;
  readonly correlationId: string;

  constructor(caller: Caller, correlationId: string) {
    this.caller = caller;
    this.correlationId = correlationId;
  }

  get isAuthenticated(): boolean {
    return true;
  }

  get userName(): string {
    return this.caller.identity;
  }
}

/** The caller behind a call context, or null (the routes only build contexts for callers). */
export const callerUserOf = (context: ServerCallContext | undefined): CallerUser | null => {
  const user = context?.user;
  return user instanceof CallerUser ? user : null;
};
