import type { PermissionName, Role } from '@kubently/protocol';

/**
 * What a REST call needs (named in packages/protocol, so `GET /v1/whoami` can list them). Executor
 * endpoints use cluster tokens instead, so they are not listed.
 */
export type Permission = PermissionName;

/**
 * The permission matrix (docs/api.md): admins do everything; operators troubleshoot (run commands,
 * manage sessions, list clusters); viewers only read listings and results.
 */
const grants: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  admin: new Set<Permission>([
    'clusters:read',
    'clusters:write',
    'sessions:read',
    'sessions:write',
    'commands:read',
    'commands:run',
    'audit:read',
    'keys:manage',
  ]),
  operator: new Set<Permission>([
    'clusters:read',
    'sessions:read',
    'sessions:write',
    'commands:read',
    'commands:run',
  ]),
  viewer: new Set<Permission>(['clusters:read', 'sessions:read', 'commands:read']),
};

export const isAllowed = (role: Role, permission: Permission): boolean => grants[role].has(permission);
