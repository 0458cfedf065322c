/** The five roles (spec §2). Provider staff work across client organisations; client roles
 * never leave their own. */
export const PROVIDER_ROLES = ['provider_admin', 'operator', 'support_agent'] as const;
export const CLIENT_ROLES = ['client_admin', 'client_user'] as const;
export const ROLES = [...PROVIDER_ROLES, ...CLIENT_ROLES] as const;

export type ProviderRole = (typeof PROVIDER_ROLES)[number];
export type ClientRole = (typeof CLIENT_ROLES)[number];
export type Role = (typeof ROLES)[number];

export function isProviderRole(role: Role): role is ProviderRole {
  return (PROVIDER_ROLES as readonly string[]).includes(role);
}

/** Which roles may hold an account in which kind of organisation. */
export function roleFitsOrganisation(role: Role, organisationKind: 'provider' | 'client'): boolean {
  return isProviderRole(role) === (organisationKind === 'provider');
}
