import * as oidc from 'openid-client';
import {
  IdentityCheckFailed,
  type IdentityCheck,
  type IdentityProvider,
  type VerifiedIdentity,
} from './identity.port.js';

export interface OidcIdentityOptions {
  /** The issuer identifier; its discovery document is read from it on first use. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Default 'openid profile email birthdate'. */
  scope?: string;
  /** e.g. 'eidas2' for FranceConnect+; the level returned must then be one of these. */
  acrValues?: string;
  /** Default 'login': a check re-identifies whoever is at the keyboard, never rides on an earlier session. */
  prompt?: string;
  /** Default 'client_secret_basic', the registration default (RFC 7591). */
  tokenAuthMethod?: 'client_secret_basic' | 'client_secret_post';
  /** Lets tests and the demo use http:// issuers; openid-client refuses them otherwise. */
  allowInsecureHttp?: boolean;
}

/**
 * OpenID Connect authorization code flow with PKCE (S256), state and nonce, on openid-client.
 * The ID token is validated by openid-client (signature from the issuer's keys, iss, aud, exp,
 * nonce); the names come from userinfo, checked to be about the same subject.
 */
export function createOidcIdentityProvider(opts: OidcIdentityOptions): IdentityProvider {
  const scope = opts.scope ?? 'openid profile email birthdate';
  const acceptedAcr = opts.acrValues?.split(' ').filter(Boolean) ?? [];
  let discovered: Promise<oidc.Configuration> | undefined;

  function configuration(): Promise<oidc.Configuration> {
    discovered ??= oidc
      .discovery(
        new URL(opts.issuer),
        opts.clientId,
        opts.clientSecret,
        opts.tokenAuthMethod === 'client_secret_post'
          ? oidc.ClientSecretPost(opts.clientSecret)
          : oidc.ClientSecretBasic(opts.clientSecret),
        opts.allowInsecureHttp ? { execute: [oidc.allowInsecureRequests] } : undefined,
      )
      .catch((err: unknown) => {
        // Not cached: the provider may be back on the next attempt.
        discovered = undefined;
        throw new IdentityCheckFailed('unavailable', `discovery of ${opts.issuer}`, { cause: err });
      });
    return discovered;
  }

  return {
    async start(redirectUri) {
      const config = await configuration();
      const check: IdentityCheck = {
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        codeVerifier: oidc.randomPKCECodeVerifier(),
      };
      const params: Record<string, string> = {
        redirect_uri: redirectUri,
        scope,
        state: check.state,
        nonce: check.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(check.codeVerifier),
        code_challenge_method: 'S256',
        prompt: opts.prompt ?? 'login',
      };
      if (acceptedAcr.length > 0) params.acr_values = acceptedAcr.join(' ');
      return { url: oidc.buildAuthorizationUrl(config, params).href, check };
    },

    async finish(callbackUrl, check, redirectUri) {
      // Checked here first so that a crossed callback is told apart from a provider's refusal.
      if (callbackUrl.searchParams.get('state') !== check.state) throw new IdentityCheckFailed('state_mismatch');
      const config = await configuration();
      // openid-client sends the callback's own address as redirect_uri; behind a proxy that is not
      // the registered one, so the parameters are carried over to the address the check started with.
      const current = new URL(redirectUri);
      current.search = callbackUrl.search;
      try {
        const tokens = await oidc.authorizationCodeGrant(config, current, {
          pkceCodeVerifier: check.codeVerifier,
          expectedState: check.state,
          expectedNonce: check.nonce,
          idTokenExpected: true,
        });
        const claims = tokens.claims();
        if (!claims) throw new IdentityCheckFailed('invalid_token', 'no id_token');
        const acr = typeof claims.acr === 'string' ? claims.acr : null;
        if (acceptedAcr.length > 0 && (acr === null || !acceptedAcr.includes(acr))) {
          throw new IdentityCheckFailed('invalid_token', `acr ${acr ?? 'absent'}`);
        }
        const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
        const text = (name: string): string | null => {
          const value = info[name] ?? claims[name];
          return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
        };
        const givenName = text('given_name');
        const familyName = text('family_name');
        if (givenName === null || familyName === null) throw new IdentityCheckFailed('missing_claims');
        const identity: VerifiedIdentity = {
          issuer: claims.iss,
          subject: claims.sub,
          givenName,
          familyName,
          birthdate: text('birthdate'),
          email: text('email'),
          acr,
        };
        return identity;
      } catch (err) {
        throw classify(err);
      }
    },
  };
}

const UNREACHABLE_CODES = new Set(['OAUTH_RESPONSE_IS_NOT_CONFORM', 'OAUTH_RESPONSE_IS_NOT_JSON']);

function classify(err: unknown): unknown {
  if (err instanceof IdentityCheckFailed) return err;
  if (err instanceof oidc.AuthorizationResponseError) {
    return new IdentityCheckFailed('provider_error', err.error, { cause: err });
  }
  if (err instanceof oidc.ResponseBodyError) {
    // Only the token endpoint answers a code with an OAuth error body; a 5xx is the provider's trouble.
    const reason = err.status >= 500 ? 'unavailable' : 'code_rejected';
    return new IdentityCheckFailed(reason, err.error, { cause: err });
  }
  if (err instanceof oidc.WWWAuthenticateChallengeError) {
    return new IdentityCheckFailed('invalid_token', 'userinfo refused the access token', { cause: err });
  }
  if (err instanceof oidc.ClientError) {
    const reason = err.code !== undefined && UNREACHABLE_CODES.has(err.code) ? 'unavailable' : 'invalid_token';
    return new IdentityCheckFailed(reason, err.code, { cause: err });
  }
  // fetch's network failures and timeouts; openid-client's own TypeErrors (bad arguments) are bugs.
  const badArgument = err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_INVALID_ARG');
  if ((err instanceof TypeError && !badArgument) || (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'))) {
    return new IdentityCheckFailed('unavailable', err.message, { cause: err });
  }
  return err;
}
