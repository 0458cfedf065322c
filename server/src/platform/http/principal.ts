import { isProviderRole, type Role } from '#domain/roles.js';
import type { Language } from '../../i18n/index.js';
import type { Scope } from '../db/scope.js';

/** Who is calling: a user (by API key or session). E-letter recipients are RecipientPrincipal, a
 * separate kind that never reaches `request.principal` (auth.ts). */
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

/**
 * The recipient of an e-letter (M-4.3): never a user. Their session opens one letter — the
 * mailpiece it was opened for — and is accepted by the recipient routes only.
 */
export interface RecipientPrincipal {
  readonly kind: 'recipient';
  readonly sessionId: string;
  readonly mailpieceId: string;
  readonly organisationId: string;
  /** Registered letters: the identity check, then the text-message code, then open. */
  readonly stage: 'identity' | 'second_factor' | 'open';
  readonly csrfToken: string;
}

/** A recipient's transactions run in the organisation of their letter, as its sender's would:
 * the routes read one mailpiece, by the session's id, never by input. */
export function recipientScope(principal: RecipientPrincipal): Scope {
  return { kind: 'organisation', organisationId: principal.organisationId };
}

/** The database scope a principal's transactions run in — from the principal, never from input. */
export function scopeOf(principal: Principal): Scope {
  return isProviderRole(principal.role)
    ? { kind: 'provider', organisationId: principal.organisationId }
    : { kind: 'organisation', organisationId: principal.organisationId };
}
