import type { Role } from '../accounts/session';

export const ROLE_LABEL = {
  provider_admin: 'roles.provider_admin',
  operator: 'roles.operator',
  support_agent: 'roles.support_agent',
  client_admin: 'roles.client_admin',
  client_user: 'roles.client_user',
} as const satisfies Record<Role, string>;

export const USER_STATUS = {
  invited: { label: 'users.status.invited', color: 'yellow' },
  active: { label: 'users.status.active', color: 'green' },
  deactivated: { label: 'users.status.deactivated', color: 'gray' },
} as const;
