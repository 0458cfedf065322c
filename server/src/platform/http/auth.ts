import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import type { Principal } from './principal.js';

/**
 * Every /api/v1 route declares who may call it (`config.policy`); a route without one does not
 * start. Authentication runs first (onRequest: before any body is read), then the policy.
 */
export type Policy = 'public' | ((principal: Principal) => boolean);

export type Authenticator = (request: FastifyRequest) => Promise<Principal | null>;

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    policy?: Policy;
  }
}

export const anyUser: Policy = () => true;

export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('unauthenticated', 'Sign in or send an API key (Authorization: Bearer …).');
  return request.principal;
}

export function registerAuth(app: FastifyInstance, authenticators: Authenticator[]): void {
  app.decorateRequest('principal', null);

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/v1') && route.config?.policy === undefined) {
      throw new Error(`Route ${String(route.method)} ${route.url} declares no policy (config.policy).`);
    }
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
    if (!policy(principal)) throw new AppError('forbidden', 'Your role does not allow this action.');
  });
}

/** Reads `Authorization: Bearer <token>`; undefined when absent, AppError when malformed. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new AppError('unauthenticated', 'The Authorization header must be "Bearer <API key>".');
  return match[1];
}
