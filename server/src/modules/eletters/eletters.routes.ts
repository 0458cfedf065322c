import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { idOf } from '#contracts/common.js';
import { evidenceSchema, newAccessCodeBody, openRecipientSessionBody, recipientLetterSchema, recipientSessionSchema, textCodeBody } from '#contracts/eletters.js';
import { decisionClosesAt } from '#domain/eletters/eletter.js';
import { AppError } from '../../errors.js';
import { requirePrincipal, requireRecipient } from '../../platform/http/auth.js';
import { problemResponses } from '../../platform/http/openapi.js';
import { ordersPolicy } from '../orders/index.js';
import type { EletterDeps } from './eletters.js';
import { presentRecipientLetter } from './eletters.presenter.js';
import { evidencePdf } from './evidence-pdf.js';
import { getEvidence, listEvidence, presentEvidence } from './evidence-read.js';
import { defaultAccessCode } from './links.js';
import {
  RECIPIENT_COOKIE,
  authenticateRecipient,
  checkTextCode,
  decide,
  downloadDocument,
  endRecipientSession,
  finishIdentityCheck,
  openRegistered,
  openWithCode,
  recipientLetter,
  resendTextCode,
  sendNewCode,
  startIdentityCheck,
  type OpenedSession,
} from './recipient-access.js';

/** The sender's proofs: per mailpiece, and one record with its seal and time-stamp token. */
export function evidenceRoutes(deps: EletterDeps): FastifyPluginAsyncZod {
  const tags = ['e-letters'];
  return async (app) => {
    app.get(
      '/api/v1/mailpieces/:id/evidence',
      { config: { policy: ordersPolicy.read }, schema: { tags, summary: 'The evidence records of an e-letter’s mailpiece, oldest first', params: z.object({ id: idOf('mp') }), response: { 200: z.object({ data: z.array(evidenceSchema) }), ...problemResponses(401, 404) } } },
      async (request) => ({ data: (await listEvidence(deps, requirePrincipal(request), request.params.id)).map(presentEvidence) }),
    );
    app.get(
      '/api/v1/evidence/:id',
      { config: { policy: ordersPolicy.read }, schema: { tags, summary: 'One evidence record, with its seal and time-stamp token', params: z.object({ id: idOf('evd') }), response: { 200: evidenceSchema, ...problemResponses(401, 404) } } },
      async (request) => presentEvidence(await getEvidence(deps, requirePrincipal(request), request.params.id)),
    );
    app.get(
      '/api/v1/evidence/:id/pdf',
      {
        config: { policy: ordersPolicy.read },
        schema: { tags, summary: 'The record as a sealed PDF (PAdES), the record, its seal and its token attached', params: z.object({ id: idOf('evd') }), produces: ['application/pdf'], response: { 200: z.any().meta({ description: 'The PDF' }), ...problemResponses(401, 404) } },
      },
      async (request, reply) => {
        const e = await getEvidence(deps, requirePrincipal(request), request.params.id);
        const pdf = await evidencePdf(deps.seal, e, deps.clock.now());
        return reply.type('application/pdf').header('content-disposition', `attachment; filename="preuve-${e.envoi}-${e.seq}.pdf"`).send(Buffer.from(pdf));
      },
    );
  };
}

/**
 * The recipient's routes (M-4.3): policy 'recipient' — a recipient's session, and nothing a user
 * holds, opens them; their session opens nothing else (auth.ts).
 */
export function recipientRoutes(deps: EletterDeps & { secureCookies: boolean; openLimitPerMinute: number }): FastifyPluginAsyncZod {
  const tags = ['recipients'];
  const strict = { rateLimit: { max: deps.openLimitPerMinute, timeWindow: 60_000 } };
  const setCookie = (reply: FastifyReply, token: string) =>
    // Lax: the identity provider's redirect back (a top-level GET) must carry it.
    reply.setCookie(RECIPIENT_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure: deps.secureCookies, maxAge: 2 * 3600 });
  const web = (path: string) => `${deps.publicUrl.replace(/\/$/, '')}${path}`;

  return async (app) => {
    app.post(
      '/api/v1/recipient/sessions',
      {
        config: { policy: 'public', ...strict },
        schema: { tags, summary: 'Open a letter: its link (and a simple letter’s access code)', security: [], body: openRecipientSessionBody, response: { 201: recipientSessionSchema, ...problemResponses(400, 404, 409, 410, 429) } },
      },
      async (request, reply) => {
        const { link, code } = request.body;
        let opened: OpenedSession;
        if (code !== undefined) opened = await openWithCode(deps, link, code);
        else opened = await openRegistered(deps, link);
        setCookie(reply, opened.token);
        const letter = await recipientLetterFor(deps, opened);
        return reply.code(201).send({ stage: opened.stage, csrf_token: opened.csrfToken, ...letter });
      },
    );

    app.post(
      '/api/v1/recipient/codes',
      { config: { policy: 'public', ...strict }, schema: { tags, summary: 'Send a simple letter’s recipient a new access code (by e-mail, to them only)', security: [], body: newAccessCodeBody, response: { 202: z.object({ sent: z.literal(true) }), ...problemResponses(400, 404, 409, 429) } } },
      async (request, reply) => {
        await sendNewCode(deps, request.body.link, deps.codes?.accessCode() ?? defaultAccessCode());
        return reply.code(202).send({ sent: true as const });
      },
    );

    app.get(
      '/api/v1/recipient/session',
      { config: { policy: 'recipient', recipientStage: 'identity' }, schema: { tags, summary: 'Where the recipient’s sign-in stands', security: [], response: { 200: recipientSessionSchema, ...problemResponses(401) } } },
      async (request) => {
        const r = requireRecipient(request);
        const letter = await recipientLetter(deps, r);
        return { stage: r.stage, csrf_token: r.csrfToken, kind: letter.kind, envoi: letter.envoi, status: letter.status, decision_closes_at: letter.decisionClosesAt?.toISOString() ?? null };
      },
    );

    app.delete(
      '/api/v1/recipient/session',
      { config: { policy: 'recipient', recipientStage: 'identity' }, schema: { tags, summary: 'Sign out', security: [], response: { 204: z.null(), ...problemResponses(401, 403) } } },
      async (request, reply) => {
        await endRecipientSession(deps, requireRecipient(request));
        reply.clearCookie(RECIPIENT_COOKIE, { path: '/' });
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/v1/recipient/identity/start',
      { config: { policy: 'recipient', recipientStage: 'identity' }, schema: { tags, summary: 'Go to the identity provider (registered letters)', security: [], response: { 302: z.null(), ...problemResponses(401, 503) } } },
      async (request, reply) => reply.redirect(await startIdentityCheck(deps, requireRecipient(request)), 302),
    );

    app.get(
      '/api/v1/recipient/identity/callback',
      { config: { policy: 'recipient', recipientStage: 'identity' }, schema: { tags, summary: 'The identity provider’s answer; then to the letter’s page', security: [], querystring: z.object({ code: z.string().optional(), state: z.string().optional(), iss: z.string().optional(), error: z.string().optional(), error_description: z.string().optional() }), response: { 302: z.null(), ...problemResponses(401) } } },
      async (request, reply) => {
        try {
          await finishIdentityCheck(deps, requireRecipient(request), new URL(request.url, deps.publicUrl));
        } catch (err) {
          // The person is in a browser: back to their page, which says what went wrong in their language.
          if (err instanceof AppError) return reply.redirect(web(`/r/letter?identity_error=${encodeURIComponent(err.sentence.key)}`), 302);
          throw err;
        }
        return reply.redirect(web('/r/letter'), 302);
      },
    );

    app.post(
      '/api/v1/recipient/text-code',
      { config: { policy: 'recipient', recipientStage: 'second_factor', ...strict }, schema: { tags, summary: 'The code received by text message (registered letters)', security: [], body: textCodeBody, response: { 204: z.null(), ...problemResponses(400, 401, 403, 410) } } },
      async (request, reply) => {
        await checkTextCode(deps, requireRecipient(request), request.body.code);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/api/v1/recipient/text-code/resend',
      { config: { policy: 'recipient', recipientStage: 'second_factor' }, schema: { tags, summary: 'A new code by text message', security: [], response: { 202: z.object({ sent: z.literal(true) }), ...problemResponses(401, 403, 429) } } },
      async (request, reply) => {
        await resendTextCode(deps, requireRecipient(request));
        return reply.code(202).send({ sent: true as const });
      },
    );

    app.get(
      '/api/v1/recipient/letter',
      { config: { policy: 'recipient' }, schema: { tags, summary: 'The letter: before a registered letter’s acceptance, nothing of its sender', security: [], response: { 200: recipientLetterSchema, ...problemResponses(401, 403) } } },
      async (request) => presentRecipientLetter(await recipientLetter(deps, requireRecipient(request))),
    );

    for (const decision of ['accept', 'refuse'] as const) {
      app.post(
        `/api/v1/recipient/letter/${decision}`,
        { config: { policy: 'recipient' }, schema: { tags, summary: decision === 'accept' ? 'Accept the registered letter (reveals its sender and content)' : 'Refuse the registered letter (its sender and content stay hidden)', security: [], response: { 200: recipientLetterSchema, ...problemResponses(401, 403, 409) } } },
        async (request) => presentRecipientLetter(await decide(deps, requireRecipient(request), decision)),
      );
    }

    app.get(
      '/api/v1/recipient/letter/documents/:number',
      { config: { policy: 'recipient' }, schema: { tags, summary: 'A document of the letter (PDF), once opened or accepted', security: [], params: z.object({ number: z.coerce.number().int().min(1).max(20) }), produces: ['application/pdf'], response: { 200: z.any(), ...problemResponses(401, 403, 404) } } },
      async (request: FastifyRequest<{ Params: { number: number } }>, reply) => {
        const { filename, stream } = await downloadDocument(deps, requireRecipient(request), request.params.number);
        const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/"/g, '');
        return reply.type('application/pdf').header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`).send(stream);
      },
    );
  };
}

async function recipientLetterFor(deps: EletterDeps, opened: OpenedSession) {
  const principal = (await authenticateRecipient(deps, opened.token))!;
  const letter = await recipientLetter(deps, principal);
  return { kind: letter.kind, envoi: letter.envoi, status: letter.status, decision_closes_at: letter.kind === 'registered' && letter.notifiedAt ? decisionClosesAt(letter.notifiedAt).toISOString() : null };
}
