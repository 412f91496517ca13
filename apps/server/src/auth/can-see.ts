import type { Caller } from './api-key-verifier.js';

/**
 * Whether `caller` may see or act on something `owner` created (a session, a command and its
 * result): its owner, or an admin. Everyone else is answered exactly as for an unknown id, so the
 * answer never tells that it exists. Later checks (e.g. a key's cluster scope) sit beside this one.
 */
export const canSee = (caller: Caller, owner: string): boolean =>
  caller.role === 'admin' || caller.identity === owner;
