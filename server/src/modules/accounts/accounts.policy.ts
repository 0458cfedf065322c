import type { Role } from '#domain/roles.js';
import type { Policy } from '../../platform/http/auth.js';

/**
 * Who may do what with accounts (spec §2). Pure functions of the principal, tested as a matrix
 * (every role × every route). Finer checks — "only your own organisation" — are in the use cases,
 * which answer 404 for what the caller may not see.
 */
const only =
  (...roles: Role[]): Policy =>
  (p) =>
    roles.includes(p.role);

export const accountsPolicy = {
  /** Every signed-in person: who they are, their profile, password, second factor, API keys. */
  self: (() => true) satisfies Policy,
  listOrganisations: only('provider_admin', 'operator', 'support_agent'),
  readOrganisation: only('provider_admin', 'operator', 'support_agent', 'client_admin'),
  manageOrganisations: only('provider_admin'),
  listPeople: only('provider_admin', 'operator', 'support_agent', 'client_admin'),
  managePeople: only('provider_admin', 'client_admin'),
  importAccounts: only('provider_admin'),
} as const;
