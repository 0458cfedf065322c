import type { FastifyInstance, FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { AppError } from '../../errors.js';
import type { Principal } from './principal.js';

/**
 * Every /api/v1 route declares who may call it (`config.policy`); a route without one does not
 * start. Authentication runs first (onRequest: before any body is read), then the policy.
 */
export type Policy = 'public' | ((principal: Principal) => boolean);

export type Authenticator = (request: FastifyRequest) => Promise<Principal | null>;

declare module 'fastify' {
  interface FastifyInstance {
    pliRoutes: RegisteredRoute[];
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    policy?: Policy;
    /** The second step of sign-in: reachable by a session still waiting for its second factor. */
    allowPendingSecondFactor?: boolean;
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

export function registerAuth(app: FastifyInstance, authenticators: Authenticator[]): void {
  app.decorateRequest('principal', null);
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
    for (const authenticate of authenticators) {
      const principal = await authenticate(request);
      if (principal) {
        request.principal = principal;
        break;
      }
    }
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
