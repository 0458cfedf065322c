import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { anyUser, requirePrincipal } from '../../platform/http/auth.js';
import { problemResponses } from '../../platform/http/openapi.js';
import type { DB } from '../../platform/db/schema.js';
import { createEventFeed, type TrackingEvent } from './event-feed.js';

/** What a subscriber receives: the event, never whose organisation or user it belongs to. */
export const presentEvent = (e: TrackingEvent) => ({ id: e.id, type: e.type, at: e.at, order_id: e.order_id, order_name: e.order_name, mailpiece_id: e.mailpiece_id, detail: e.detail });

export function trackingRoutes(deps: { db: Kysely<DB>; onError?: (err: unknown) => void; pollMs?: number }): FastifyPluginAsyncZod {
  return async (app) => {
    const feed = createEventFeed(deps);
    const open = new Set<ServerResponse>();
    // Streams never finish on their own: end them so that the server can close.
    app.addHook('preClose', async () => {
      for (const res of open) res.end();
      feed.close();
    });

    app.get(
      '/api/v1/events/stream',
      {
        config: { policy: anyUser },
        schema: {
          tags: ['tracking'],
          summary: 'Server-sent events: every order and mailpiece event the caller may see, as it happens',
          description: 'text/event-stream; each message has `id` (send it back as Last-Event-ID to catch up after a reconnection), `event` (the type, e.g. mailpiece.printed) and `data` (JSON).',
          produces: ['text/event-stream'],
          response: { 200: z.any(), ...problemResponses(401) },
        },
      },
      async (request, reply) => {
        const principal = requirePrincipal(request);
        const last = request.headers['last-event-id'];
        const missed = typeof last === 'string' && /^evt_[0-9a-z]+$/.test(last) ? await feed.since(principal, last) : [];
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
        res.write('retry: 2000\n\n');
        const send = (e: TrackingEvent) => res.write(`id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(presentEvent(e))}\n\n`);
        for (const e of missed) send(e);
        open.add(res);
        const unsubscribe = feed.subscribe(principal, send);
        const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
        res.on('close', () => {
          clearInterval(heartbeat);
          unsubscribe();
          open.delete(res);
        });
      },
    );
  };
}
