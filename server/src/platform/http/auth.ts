import type { FastifyInstance, FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { AppError } from '../../errors.js';
import type { Principal, RecipientPrincipal } from './principal.js';

/**
 * Every /api/v1 route declares who may call it (`config.policy`); a route without one does not
 * start. Authentication runs first (onRequest: before any body is read), then the policy.
 */
export type Policy = 'public' | 'recipient' | ((principal: Principal) => boolean);

export type Authenticator = (request: FastifyRequest) => Promise<Principal | null>;
/** Reads an e-letter recipient's credentials (their session cookie); null when none are presented. */
export type RecipientAuthenticator = (request: FastifyRequest) => Promise<RecipientPrincipal | null>;

declare module 'fastify' {
  interface FastifyInstance {
    pliRoutes: RegisteredRoute[];
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** On the recipient routes only (policy 'recipient'). */
    recipient: RecipientPrincipal | null;
  }
  interface FastifyContextConfig {
    policy?: Policy;
    /** The second step of sign-in: reachable by a session still waiting for its second factor. */
    allowPendingSecondFactor?: boolean;
    /** Recipient routes: the stage of the recipient's sign-in they are reachable at (default 'open'). */
    recipientStage?: RecipientPrincipal['stage'];
  }
}

export const anyUser: Policy = () => true;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Every route the app registered, with its policy: the role-matrix test walks this list. */
export interface RegisteredRoute {
  method: string;
  url: string;
  policy: Policy;
}

export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('unauthenticated', 'http.sign_in_or_key');
  return request.principal;
}

export function requireRecipient(request: FastifyRequest): RecipientPrincipal {
  if (!request.recipient) throw new AppError('unauthenticated', 'recipient.sign_in');
  return request.recipient;
}

const STAGES: ReadonlyArray<RecipientPrincipal['stage']> = ['identity', 'second_factor', 'open'];

export function registerAuth(app: FastifyInstance, authenticators: Authenticator[], recipients: RecipientAuthenticator = async () => null): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('recipient', null);
  const routes: RegisteredRoute[] = [];
  app.decorate('pliRoutes', routes);

  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1')) return;
    const policy = route.config?.policy;
    if (policy === undefined) throw new Error(`Route ${String(route.method)} ${route.url} declares no policy (config.policy).`);
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url, policy });
  });

  app.addHook('onRequest', async (request) => {
    const policy = request.routeOptions.config?.policy;
    if (policy === undefined || policy === 'public') return;
    if (policy === 'recipient') {
      // Users' credentials open nothing here: a recipient's route serves the recipient's session only.
      const recipient = await recipients(request);
      if (!recipient) throw new AppError('unauthenticated', 'recipient.sign_in');
      const needed = request.routeOptions.config?.recipientStage ?? 'open';
      if (STAGES.indexOf(recipient.stage) < STAGES.indexOf(needed)) throw new AppError('forbidden', recipient.stage === 'identity' ? 'recipient.identity_required' : 'recipient.text_code_required');
      if (!SAFE_METHODS.has(request.method)) {
        const sent = request.headers['x-csrf-token'];
        if (typeof sent !== 'string' || !sameSecret(sent, recipient.csrfToken)) throw new AppError('csrf_failed', 'http.csrf_missing');
      }
      request.recipient = recipient;
      return;
    }
    for (const authenticate of authenticators) {
      const principal = await authenticate(request);
      if (principal) {
        request.principal = principal;
        break;
      }
    }
    // A recipient's credentials only open letters (M-4.3): refused, not ignored, everywhere else.
    if (!request.principal && (await recipients(request))) throw new AppError('forbidden', 'recipient.only_letters');
    const principal = requirePrincipal(request);
    if (principal.stage !== 'signed_in' && !request.routeOptions.config?.allowPendingSecondFactor) {
      throw new AppError('second_factor_required', 'http.finish_sign_in_code');
    }
    // Cookies ride along on cross-site requests; the CSRF token, readable only by our own pages, does not.
    if (principal.via === 'session' && !SAFE_METHODS.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !principal.csrfToken || !sameSecret(sent, principal.csrfToken)) {
        throw new AppError('csrf_failed', 'http.csrf_missing');
      }
    }
    if (!policy(principal)) throw new AppError('forbidden', 'http.role_forbids');
  });
}

/** Reads `Authorization: Bearer <token>`; undefined when absent, AppError when malformed. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new AppError('unauthenticated', 'http.bearer_format');
  return match[1];
}
