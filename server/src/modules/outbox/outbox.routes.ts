import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { idOf } from '#contracts/common.js';
import { outboxMessageSchema } from '#contracts/organisations.js';
import type { DB } from '../../platform/db/schema.js';
import type { MailService } from '../../platform/mail/outbox.js';
import { AppError } from '../../errors.js';
import { requirePrincipal } from '../../platform/http/auth.js';
import { maskLinkSecrets, maskTextCodes } from '../../platform/mail/mask-links.js';
import { problemResponses } from '../../platform/http/openapi.js';
import { pageQuery, pageSchema, toPage } from '../../platform/http/pagination.js';
import { outboxPolicy } from './outbox.policy.js';
import { getOutboxMessage, listOutbox } from './read-outbox.js';
import { isoTimeOrNull } from '../../platform/http/wire.js';

const iso = isoTimeOrNull;

function present(m: { id: string; to_address: string; subject: string; template: string | null; status: 'queued' | 'sent' | 'failed'; transport: 'smtp' | 'outbox' | null; created_at: Date; sent_at: Date | null; text_body?: string }) {
  return {
    id: m.id,
    to: m.to_address,
    subject: m.subject,
    template: m.template,
    status: m.status,
    transport: m.transport,
    created_at: iso(m.created_at)!,
    sent_at: iso(m.sent_at),
    // Staff read the message's shape, never a working activation or reset link (the recipient's mailbox has it).
    ...(m.text_body !== undefined ? { text_body: maskTextCodes(maskLinkSecrets(m.text_body)) } : {}),
  };
}

export function outboxRoutes(deps: { db: Kysely<DB>; mail: MailService }): FastifyPluginAsyncZod {
  const tags = ['outbox'];
  return async (app) => {
    // A bounce report is a whole e-mail (RFC 3464 multipart/report), handed over as it came.
    app.addContentTypeParser(['message/rfc822', 'multipart/report', 'text/plain'], { parseAs: 'string', bodyLimit: 1024 * 1024 }, (_request, body, done) => done(null, body));
    app.post(
      '/api/v1/outbox/bounces',
      {
        config: { policy: outboxPolicy.recordBounces },
        schema: {
          tags,
          summary: 'A bounce report (RFC 3464) from the mail relay: the message it is about is marked failed (an e-letter: its failure evidence)',
          consumes: ['message/rfc822'],
          body: z.string().max(1024 * 1024),
          response: { 200: z.object({ message: z.string(), action: z.string(), status: z.string().nullable(), recorded: z.boolean() }), ...problemResponses(400, 401, 403, 422) },
        },
      },
      async (request) => {
        const outcome = await deps.mail.recordBounce(request.body);
        if (!outcome) throw new AppError('business_rule', 'outbox.not_a_report');
        return { message: outcome.report.messageId, action: outcome.report.action, status: outcome.report.status, recorded: outcome.recorded };
      },
    );
    app.get(
      '/api/v1/outbox',
      {
        config: { policy: outboxPolicy.read },
        schema: { tags, summary: 'Every e-mail Pli sent, newest first', querystring: pageQuery.extend({ to: z.string().max(254).optional() }), response: { 200: pageSchema(outboxMessageSchema), ...problemResponses(400, 401, 403) } },
      },
      async (request) => {
        const page = toPage(await listOutbox(deps, requirePrincipal(request), request.query), request.query.limit);
        return { data: page.data.map(present), next_cursor: page.next_cursor };
      },
    );
    app.get(
      '/api/v1/outbox/:id',
      { config: { policy: outboxPolicy.read }, schema: { tags, summary: 'One e-mail with its text', params: z.object({ id: idOf('msg') }), response: { 200: outboxMessageSchema, ...problemResponses(401, 403, 404) } } },
      async (request) => present(await getOutboxMessage(deps, requirePrincipal(request), request.params.id)),
    );
  };
}
