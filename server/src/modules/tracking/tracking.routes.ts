import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { anyUser, requirePrincipal } from '../../platform/http/auth.js';
import { problemResponses } from '../../platform/http/openapi.js';
import type { DB } from '../../platform/db/schema.js';
import { CSV_BOM, csvRow } from '../../platform/http/csv.js';
import { createEventFeed } from './event-feed.js';
import { allTracked, listTracked, type TrackedMailpiece } from './mailpiece-list.js';
import { streamEvents } from './event-stream.js';
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks, notificationSettings, retryDelivery, setNotificationSettings, type WebhookDeps } from './webhooks.js';
import { createWebhookBody, notificationSettings as notificationSettingsSchema, trackingFilter, trackingList, trackingListQuery, webhookCreated, webhookDelivery, webhookSchema, type TrackedMailpieceDto } from '#contracts/tracking.js';
import { idOf } from '#contracts/common.js';
import { isoTime, isoTimeOrNull } from '../../platform/http/wire.js';
import type { Policy } from '../../platform/http/auth.js';

const presentTracked = (m: TrackedMailpiece): TrackedMailpieceDto => ({
  id: m.id,
  status: m.status,
  kind: m.kind,
  mail_class: m.mailClass,
  recipient: m.recipient,
  number: m.number,
  order: { id: m.order.id, name: m.order.name, submitted_at: isoTimeOrNull(m.order.submittedAt) },
  sender: m.sender,
  organisation: m.organisation,
  updated_at: isoTime(m.updatedAt),
});

const TRACKING_CSV_HEADER = ['pli', 'état', 'type', 'classe', 'destinataire', 'adresse', 'e-mail', 'numéro', 'commande', 'envoyée le', 'expéditeur', 'organisation', 'mis à jour le'];

const trackedCsvRow = (m: TrackedMailpiece) =>
  csvRow([m.id, m.status, m.kind === 'paper' ? 'papier' : 'électronique', m.mailClass, m.recipient.name, m.recipient.address.join(', '), m.recipient.email, m.number, m.order.name, m.order.submittedAt?.toISOString(), m.sender.name, m.organisation.name, m.updatedAt.toISOString()]);

/** Webhooks belong to a client organisation; its administrator manages them. */
const webhookAdmin: Policy = (p) => p.role === 'client_admin';


export function trackingRoutes(deps: { db: Kysely<DB>; webhooks: WebhookDeps; onError?: (err: unknown) => void; pollMs?: number }): FastifyPluginAsyncZod {
  return async (app) => {
    const feed = createEventFeed(deps);
    const open = new Set<ServerResponse>();
    // Streams never finish on their own: end them so that the server can close.
    app.addHook('preClose', async () => {
      for (const res of open) res.end();
      feed.close();
    });

    app.get(
      '/api/v1/tracking/mailpieces',
      { config: { policy: anyUser }, schema: { tags: ['tracking'], summary: 'The tracking tab: every mailpiece you may see (administrators: the organisation’s; users: their own orders’), newest first, filtered', querystring: trackingListQuery, response: { 200: trackingList, ...problemResponses(400) } } },
      async (request) => {
        const page = await listTracked(deps.db, requirePrincipal(request), request.query);
        return { data: page.data.map(presentTracked), next_cursor: page.next_cursor };
      },
    );

    app.get(
      '/api/v1/tracking/mailpieces/export',
      { config: { policy: anyUser }, schema: { tags: ['tracking'], summary: 'The same list, every page of it, as CSV (UTF-8, semicolons: opens in a French spreadsheet)', querystring: trackingFilter, produces: ['text/csv'], response: { 200: z.any().meta({ description: 'CSV' }) } } },
      async (request, reply) => {
        const rows = allTracked(deps.db, requirePrincipal(request), request.query);
        const body = Readable.from(
          (async function* () {
            yield CSV_BOM + csvRow(TRACKING_CSV_HEADER);
            for await (const m of rows) yield trackedCsvRow(m);
          })(),
        );
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="suivi-${new Date().toISOString().slice(0, 10)}.csv"`).header('cache-control', 'private, no-store').send(body);
      },
    );

    app.get(
      '/api/v1/events/stream',
      {
        config: { policy: anyUser },
        schema: {
          tags: ['tracking'],
          summary: 'Server-sent events: every order and mailpiece event the caller may see, as it happens',
          description: 'text/event-stream; each message has `id` (an opaque position in the event log: send it back as Last-Event-ID to catch up after a reconnection), `event` (the type, e.g. mailpiece.printed) and `data` (JSON).',
          produces: ['text/event-stream'],
          response: { 200: z.any(), ...problemResponses(401) },
        },
      },
      async (request, reply) => streamEvents(feed, requirePrincipal(request), request.headers['last-event-id'], reply, open, deps.onError),
    );

    app.get(
      '/api/v1/me/notifications',
      { config: { policy: anyUser }, schema: { tags: ['tracking'], summary: 'Which of your orders’ events you are told of by e-mail', response: { 200: notificationSettingsSchema, ...problemResponses(401) } } },
      async (request) => ({ events: (await notificationSettings(deps.webhooks, requirePrincipal(request))) as never }),
    );

    app.put(
      '/api/v1/me/notifications',
      { config: { policy: anyUser }, schema: { tags: ['tracking'], summary: 'Choose the events of your orders you are told of by e-mail', body: notificationSettingsSchema, response: { 200: notificationSettingsSchema, ...problemResponses(400, 401) } } },
      async (request) => ({ events: (await setNotificationSettings(deps.webhooks, requirePrincipal(request), request.body.events)) as never }),
    );

    const tags = ['webhooks'];
    const params = z.object({ id: idOf('whk') });
    const presentHook = (h: { id: string; url: string; events: string[]; status: string; created_at: Date }) => ({ id: h.id, url: h.url, events: h.events, status: h.status as 'active', created_at: isoTime(h.created_at) });

    app.post(
      '/api/v1/webhooks',
      { config: { policy: webhookAdmin }, schema: { tags, summary: 'A new webhook; its signing secret is shown this once', body: createWebhookBody, response: { 201: webhookCreated, ...problemResponses(400, 401, 403, 422) } } },
      async (request, reply) => {
        const h = await createWebhook(deps.webhooks, requirePrincipal(request), request.body);
        return reply.code(201).send({ ...presentHook(h), secret: h.secret });
      },
    );

    app.get(
      '/api/v1/webhooks',
      { config: { policy: webhookAdmin }, schema: { tags, summary: 'The organisation’s webhooks', response: { 200: z.object({ data: z.array(webhookSchema) }), ...problemResponses(401, 403) } } },
      async (request) => ({ data: (await listWebhooks(deps.webhooks, requirePrincipal(request))).map(presentHook) }),
    );

    app.delete(
      '/api/v1/webhooks/:id',
      { config: { policy: webhookAdmin }, schema: { tags, summary: 'Delete a webhook (pending deliveries stop)', params, response: { 204: z.null(), ...problemResponses(401, 403, 404) } } },
      async (request, reply) => {
        await deleteWebhook(deps.webhooks, requirePrincipal(request), request.params.id);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/v1/webhooks/:id/deliveries',
      { config: { policy: webhookAdmin }, schema: { tags, summary: 'The delivery log: every event sent, its attempts and answers (latest 100)', params, response: { 200: z.object({ data: z.array(webhookDelivery) }), ...problemResponses(401, 403, 404) } } },
      async (request) => ({
        data: (await listDeliveries(deps.webhooks, requirePrincipal(request), request.params.id)).map((d) => ({
          id: d.id,
          event_id: d.event_id,
          event_type: d.event_type,
          status: d.status,
          attempts: d.attempts,
          last_status_code: d.last_status_code,
          last_error: d.last_error,
          last_attempt_at: isoTimeOrNull(d.last_attempt_at),
          next_attempt_at: d.status === 'pending' ? isoTime(d.next_attempt_at) : null,
          delivered_at: isoTimeOrNull(d.delivered_at),
          created_at: isoTime(d.created_at),
        })),
      }),
    );

    app.post(
      '/api/v1/webhooks/:id/deliveries/:delivery/retry',
      { config: { policy: webhookAdmin }, schema: { tags, summary: 'Send a delivery again now', params: params.extend({ delivery: idOf('dlv') }), response: { 202: z.null(), ...problemResponses(401, 403, 404, 409) } } },
      async (request, reply) => {
        await retryDelivery(deps.webhooks, requirePrincipal(request), request.params.id, request.params.delivery);
        return reply.code(202).send(null);
      },
    );
  };
}
