import { isProviderRole, type Role } from '#domain/roles.js';
import type { Language } from '../../i18n/index.js';
import type { Scope } from '../db/scope.js';

/** Who is calling. Today a user (by API key); e-letter recipients will be a second kind. */
export interface UserPrincipal {
  readonly kind: 'user';
  readonly userId: string;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly organisationId: string;
  readonly organisationName: string;
  readonly via: 'api_key' | 'session';
  readonly apiKeyId: string | null;
  /** Sessions only: the sign-in may still wait for its second factor. */
  readonly stage: 'signed_in' | 'totp_required' | 'totp_enrollment';
  readonly sessionId: string | null;
  readonly csrfToken: string | null;
  /** The language chosen in the profile, for answers to requests without Accept-Language (read
   * with the session or the API key). */
  readonly locale?: Language;
}

export type Principal = UserPrincipal;

/** The database scope a principal's transactions run in — from the principal, never from input. */
export function scopeOf(principal: Principal): Scope {
  return isProviderRole(principal.role)
    ? { kind: 'provider', organisationId: principal.organisationId }
    : { kind: 'organisation', organisationId: principal.organisationId };
}
