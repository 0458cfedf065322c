/** A person as an identity provider vouches for them, read after a successful check. */
export interface VerifiedIdentity {
  issuer: string;
  /** Stable per person at this issuer: the key to recognise them next time. */
  subject: string;
  givenName: string;
  familyName: string;
  /** As the provider gives it, normally YYYY-MM-DD. */
  birthdate: string | null;
  email: string | null;
  /** The assurance level reached (FranceConnect+: 'eidas2' for substantial, 'eidas3' for high). */
  acr: string | null;
}

/**
 * What the caller keeps server-side between start and finish (e.g. in its session row): the
 * callback proves nothing without them.
 */
export interface IdentityCheck {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export type IdentityCheckFailure =
  /** The callback's state is absent or not this check's: a forged or crossed callback. */
  | 'state_mismatch'
  /** The provider answered with an error (the person refused, the provider could not identify them). */
  | 'provider_error'
  /** The provider refused the code: replayed, expired, or not issued for this check. */
  | 'code_rejected'
  /** The tokens or the answers did not validate (signature, issuer, audience, nonce, subject, level). */
  | 'invalid_token'
  /** Verified, but without the names a check needs. */
  | 'missing_claims'
  /** The provider could not be reached or answered out of protocol. */
  | 'unavailable';

export class IdentityCheckFailed extends Error {
  readonly reason: IdentityCheckFailure;

  constructor(reason: IdentityCheckFailure, detail?: string, opts: { cause?: unknown } = {}) {
    super(detail === undefined ? `identity check failed: ${reason}` : `identity check failed: ${reason} (${detail})`, opts);
    this.name = 'IdentityCheckFailed';
    this.reason = reason;
  }
}

/**
 * An identity check through a third party (OpenID Connect: FranceConnect+, or the demo provider
 * of the embedded set-up). start() gives the URL to send the person to and what to keep; finish()
 * takes the URL they came back on, and throws IdentityCheckFailed on anything wrong.
 */
export interface IdentityProvider {
  start(redirectUri: string): Promise<{ url: string; check: IdentityCheck }>;
  finish(callbackUrl: URL, check: IdentityCheck, redirectUri: string): Promise<VerifiedIdentity>;
}
