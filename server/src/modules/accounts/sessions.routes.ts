import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  activationBody,
  changePasswordBody,
  passwordBody,
  passwordResetBody,
  recoveryCodes,
  sessionResponse,
  signInBody,
  tokenInfo,
  totpBody,
  totpEnrollment,
  updateMeBody,
} from '#contracts/identity.js';
import { meResponse } from '#contracts/accounts.js';
import { requirePrincipal } from '../../platform/http/auth.js';
import { problemResponses } from '../../platform/http/openapi.js';
import { accountsPolicy } from './accounts.policy.js';
import { presentMe } from './accounts.presenter.js';
import {
  changePassword,
  confirmTotpEnrollment,
  describeSession,
  disableTotp,
  regenerateRecoveryCodes,
  signIn,
  signOut,
  signOutEverywhere,
  startTotpEnrollment,
  updateProfile,
  verifySecondFactor,
  type OpenedSession,
  type RequestContext,
  type SessionDeps,
} from './sessions.js';
import { describeToken, redeemToken, requestPasswordReset, type TokenDeps } from './tokens.js';

export const SESSION_COOKIE = 'pli_session';

export function contextOf(request: FastifyRequest): RequestContext {
  const ua = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof ua === 'string' ? ua : null };
}

/** Sign-in, second factor, sign-out, activation, password reset, profile. */
export function sessionRoutes(deps: SessionDeps & TokenDeps & { secureCookies: boolean; signInLimitPerMinute: number }): FastifyPluginAsyncZod {
  const setCookie = (reply: FastifyReply, opened: OpenedSession) =>
    reply.setCookie(SESSION_COOKIE, opened.token, { path: '/', httpOnly: true, sameSite: 'lax', secure: deps.secureCookies, expires: new Date(opened.expiresAt.getTime() + 7 * 24 * 3600_000) });
  const clearCookie = (reply: FastifyReply) => reply.clearCookie(SESSION_COOKIE, { path: '/' });
  const tags = ['sessions'];
  // Guessing passwords or flooding reset e-mails is slowed per address, on top of the account lockout.
  const strict = { rateLimit: { max: deps.signInLimitPerMinute, timeWindow: 60_000 } };

  return async (app) => {
    app.post(
      '/api/v1/session',
      { config: { policy: 'public', ...strict }, schema: { tags, summary: 'Sign in with e-mail and password', security: [], body: signInBody, response: { 200: sessionResponse, ...problemResponses(400, 401, 403, 429) } } },
      async (request, reply) => {
        const opened = await signIn(deps, request.body, contextOf(request));
        setCookie(reply, opened);
        return describeSession(deps, opened.principal);
      },
    );

    app.get(
      '/api/v1/session',
      { config: { policy: accountsPolicy.self, allowPendingSecondFactor: true }, schema: { tags, summary: 'The current session', response: { 200: sessionResponse, ...problemResponses(401) } } },
      async (request) => describeSession(deps, requirePrincipal(request)),
    );

    app.delete(
      '/api/v1/session',
      { config: { policy: accountsPolicy.self, allowPendingSecondFactor: true }, schema: { tags, summary: 'Sign out', response: { 204: z.null(), ...problemResponses(401, 403) } } },
      async (request, reply) => {
        await signOut(deps, requirePrincipal(request));
        clearCookie(reply);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/api/v1/session/logout-everywhere',
      { config: { policy: accountsPolicy.self }, schema: { tags, summary: 'End every session of the caller', response: { 204: z.null(), ...problemResponses(401, 403) } } },
      async (request, reply) => {
        await signOutEverywhere(deps, requirePrincipal(request), contextOf(request));
        clearCookie(reply);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/api/v1/session/totp',
      { config: { policy: accountsPolicy.self, allowPendingSecondFactor: true, ...strict }, schema: { tags, summary: 'Second step of sign-in: authenticator or recovery code', body: totpBody, response: { 200: sessionResponse, ...problemResponses(400, 401, 403, 409, 429) } } },
      async (request, reply) => {
        const opened = await verifySecondFactor(deps, requirePrincipal(request), request.body.code, contextOf(request));
        setCookie(reply, opened);
        return describeSession(deps, opened.principal);
      },
    );

    app.post(
      '/api/v1/session/totp/enrollment',
      { config: { policy: accountsPolicy.self, allowPendingSecondFactor: true }, schema: { tags, summary: 'Start setting up an authenticator app (QR code)', response: { 200: totpEnrollment, ...problemResponses(401, 403, 409) } } },
      async (request) => startTotpEnrollment(deps, requirePrincipal(request)),
    );

    app.post(
      '/api/v1/session/totp/enrollment/confirm',
      { config: { policy: accountsPolicy.self, allowPendingSecondFactor: true, ...strict }, schema: { tags, summary: 'Confirm the authenticator with a first code; returns recovery codes once', body: totpBody, response: { 200: recoveryCodes, ...problemResponses(400, 401, 403, 409) } } },
      async (request, reply) => {
        const { recoveryCodes: codes, session } = await confirmTotpEnrollment(deps, requirePrincipal(request), request.body.code, contextOf(request));
        if (session) setCookie(reply, session);
        return { recovery_codes: codes };
      },
    );

    app.delete(
      '/api/v1/me/totp',
      { config: { policy: accountsPolicy.self }, schema: { tags, summary: 'Turn two-factor sign-in off (client accounts)', body: passwordBody, response: { 204: z.null(), ...problemResponses(400, 401, 403) } } },
      async (request, reply) => {
        await disableTotp(deps, requirePrincipal(request), request.body.password, contextOf(request));
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/api/v1/me/recovery-codes',
      { config: { policy: accountsPolicy.self }, schema: { tags, summary: 'A new set of recovery codes (the old ones stop working)', body: passwordBody, response: { 200: recoveryCodes, ...problemResponses(400, 401, 403, 409) } } },
      async (request) => ({ recovery_codes: await regenerateRecoveryCodes(deps, requirePrincipal(request), request.body.password, contextOf(request)) }),
    );

    app.patch(
      '/api/v1/me',
      { config: { policy: accountsPolicy.self }, schema: { tags, summary: 'Change your name or language', body: updateMeBody, response: { 200: meResponse, ...problemResponses(400, 401, 403) } } },
      async (request) => {
        const principal = requirePrincipal(request);
        await updateProfile(deps, principal, request.body);
        return presentMe({ ...principal, name: request.body.name ?? principal.name });
      },
    );

    app.post(
      '/api/v1/me/password',
      { config: { policy: accountsPolicy.self, ...strict }, schema: { tags, summary: 'Change your password (your other sessions end)', body: changePasswordBody, response: { 204: z.null(), ...problemResponses(400, 401, 403, 429) } } },
      async (request, reply) => {
        await changePassword(deps, requirePrincipal(request), { current: request.body.current_password, next: request.body.new_password }, contextOf(request));
        return reply.code(204).send(null);
      },
    );

    const tokenParams = z.object({ token: z.string().max(200) });

    app.get(
      '/api/v1/activation/:token',
      { config: { policy: 'public', ...strict }, schema: { tags, summary: 'What an activation link opens', security: [], params: tokenParams, response: { 200: tokenInfo, ...problemResponses(404, 410) } } },
      async (request) => describeToken(deps, request.params.token, 'activation'),
    );

    app.post(
      '/api/v1/activation',
      { config: { policy: 'public', ...strict }, schema: { tags, summary: 'Choose your password and activate your account', security: [], body: activationBody, response: { 204: z.null(), ...problemResponses(400, 404, 410) } } },
      async (request, reply) => {
        await redeemToken(deps, request.body, 'activation', request.ip);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/api/v1/password-reset',
      { config: { policy: 'public', rateLimit: { max: 5, timeWindow: 60_000 } }, schema: { tags, summary: 'E-mail a password reset link (same answer whether the account exists or not)', security: [], body: passwordResetBody, response: { 202: z.object({ status: z.literal('accepted') }), ...problemResponses(400, 429) } } },
      async (request, reply) => {
        await requestPasswordReset(deps, request.body.email, request.ip);
        return reply.code(202).send({ status: 'accepted' as const });
      },
    );

    app.get(
      '/api/v1/password-reset/:token',
      { config: { policy: 'public', ...strict }, schema: { tags, summary: 'What a password reset link opens', security: [], params: tokenParams, response: { 200: tokenInfo, ...problemResponses(404, 410) } } },
      async (request) => describeToken(deps, request.params.token, 'password_reset'),
    );

    app.post(
      '/api/v1/password-reset/confirm',
      { config: { policy: 'public', ...strict }, schema: { tags, summary: 'Set a new password with a reset link (every session ends)', security: [], body: activationBody, response: { 204: z.null(), ...problemResponses(400, 403, 404, 410) } } },
      async (request, reply) => {
        await redeemToken(deps, request.body, 'password_reset', request.ip);
        return reply.code(204).send(null);
      },
    );
  };
}
