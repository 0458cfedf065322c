import type { Role } from '../features/accounts/session';

export type NavLabel =
  | 'nav.orders'
  | 'nav.tracking'
  | 'nav.returnedMail'
  | 'nav.archive'
  | 'nav.support'
  | 'nav.users'
  | 'nav.subscription'
  | 'nav.webhooks'
  | 'nav.clients'
  | 'nav.tariffs'
  | 'nav.production'
  | 'nav.returns'
  | 'nav.supportDesk'
  | 'nav.outbox';

export interface NavEntry {
  to: string;
  label: NavLabel;
  roles: readonly Role[];
}

const CLIENTS: readonly Role[] = ['client_admin', 'client_user'];

/** The menu, in order. A page's route uses the same roles (RequireSession), the server enforces them. */
export const NAV: readonly NavEntry[] = [
  { to: '/orders', label: 'nav.orders', roles: CLIENTS },
  { to: '/tracking', label: 'nav.tracking', roles: CLIENTS },
  { to: '/returned-mail', label: 'nav.returnedMail', roles: CLIENTS },
  { to: '/archive', label: 'nav.archive', roles: CLIENTS },
  { to: '/support', label: 'nav.support', roles: CLIENTS },
  { to: '/users', label: 'nav.users', roles: ['client_admin'] },
  { to: '/subscription', label: 'nav.subscription', roles: ['client_admin'] },
  { to: '/webhooks', label: 'nav.webhooks', roles: ['client_admin'] },
  { to: '/clients', label: 'nav.clients', roles: ['provider_admin'] },
  { to: '/tariffs', label: 'nav.tariffs', roles: ['provider_admin'] },
  { to: '/production', label: 'nav.production', roles: ['provider_admin', 'operator'] },
  { to: '/returns', label: 'nav.returns', roles: ['provider_admin', 'operator'] },
  { to: '/support-desk', label: 'nav.supportDesk', roles: ['provider_admin', 'support_agent'] },
  { to: '/outbox', label: 'nav.outbox', roles: ['provider_admin'] },
];

export function navFor(role: Role): NavEntry[] {
  return NAV.filter((entry) => entry.roles.includes(role));
}

export function rolesOf(to: string): readonly Role[] {
  const entry = NAV.find((e) => e.to === to);
  if (!entry) throw new Error(`no menu entry for ${to}`);
  return entry.roles;
}

/** The first page of a role's menu: where sign-in lands without a ?next=. */
export function homeOf(role: Role): string {
  return navFor(role)[0]?.to ?? '/profile';
}
