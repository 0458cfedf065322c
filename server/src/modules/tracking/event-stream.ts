import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { UserPrincipal } from '../../platform/http/principal.js';
import { isAfter, positionOf, streamId, type Cursor, type EventFeed, type TrackingEvent } from './event-feed.js';
import { presentEvent } from './present.js';

/** Resolves once the client has taken what was written (or has gone): a long catch-up is never held whole in memory. */
function drained(res: ServerResponse): Promise<void> {
  if (!res.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.on('drain', done).on('close', done);
  });
}

/**
 * One server-sent event stream: what the principal missed since its Last-Event-ID, then what
 * happens. Every event goes out once and in the log's order: the stream remembers the position
 * the client has reached, and sends only what lies after it.
 */
export async function streamEvents(feed: EventFeed, principal: UserPrincipal, lastEventId: unknown, reply: FastifyReply, streams: Set<ServerResponse>, onError?: (err: unknown) => void): Promise<void> {
  const res = reply.raw;
  const from = positionOf(lastEventId);
  let reached: Cursor | null = from;
  const send = (e: TrackingEvent) => {
    if (reached && !isAfter(e, reached)) return; // the client has it already
    reached = e;
    res.write(`id: ${streamId(e)}\nevent: ${e.type}\ndata: ${JSON.stringify(presentEvent(e))}\n\n`);
  };
  // Subscribed before the catch-up reads: what commits meanwhile waits here, then goes out once.
  const early: TrackingEvent[] = [];
  let live = false;
  const unsubscribe = await feed.subscribe(principal, (e) => (live ? send(e) : early.push(e)));
  let opened = false;
  const open = () => {
    if (opened) return;
    opened = true;
    reply.hijack();
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 2000\n\n');
    if (!res.destroyed) streams.add(res);
  };
  const heartbeat = setInterval(() => opened && res.write(': keep-alive\n\n'), 15_000);
  res.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
    streams.delete(res);
  });
  if (from) {
    try {
      for await (const page of feed.since(principal, from)) {
        // The headers go out once the catch-up has its horizon: from then on nothing is missed.
        open();
        for (const e of page) send(e);
        await drained(res);
        if (res.destroyed) return;
      }
    } catch (err) {
      if (!opened) throw err; // answered as a problem
      // The client reconnects with the last id it received, and resumes from there.
      onError?.(err);
      res.end();
      return;
    }
  }
  open();
  if (res.destroyed) return; // gone already: 'close' has unsubscribed
  for (const e of early) send(e);
  live = true;
}
