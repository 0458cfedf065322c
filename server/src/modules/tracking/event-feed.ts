import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import { inScope, systemScope, type Scope, type Tx } from '../../platform/db/scope.js';
import { scopeOf, type UserPrincipal } from '../../platform/http/principal.js';
import { ID_PATTERN } from '../../platform/ids/ids.js';

/**
 * Tracking events as they happen (M-3.4): every order and mailpiece event is a row of the
 * append-only `order_events`, written in the transaction that made the change, with that
 * transaction's id. Readers follow (tx, id) up to the oldest transaction still running: an event
 * committed late by a long transaction is never skipped, none is read twice. The same on PGlite
 * and PostgreSQL, whichever process wrote the event.
 *
 * What a subscriber receives is read under its own scope, so row-level security — not a filter
 * here — keeps each organisation's events its own.
 */
export interface TrackingEvent {
  id: string;
  type: string;
  at: string;
  order_id: string;
  order_name: string;
  mailpiece_id: string | null;
  detail: Record<string, unknown>;
  organisation_id: string;
  created_by: string;
  /** The writing transaction (with the id, the event's position in the log). */
  tx: string;
}

/** A position in the log: the writing transaction, then the event id. */
export type Cursor = { tx: string; id: string };

type Listener = (event: TrackingEvent) => void;

/** The stream's `id:`: the position, wrapped so that clients hand it back as Last-Event-ID without reading it. */
export const streamId = (position: Cursor): string => Buffer.from(`${position.tx}:${position.id}`).toString('base64url');

/** The position a Last-Event-ID names; null for anything this API did not send. */
export function positionOf(lastEventId: unknown): Cursor | null {
  if (typeof lastEventId !== 'string' || lastEventId.length > 100) return null;
  const [tx = '', id = '', ...rest] = Buffer.from(lastEventId, 'base64url').toString('utf8').split(':');
  return rest.length === 0 && /^\d{1,19}$/.test(tx) && id.startsWith('evt_') && ID_PATTERN.test(id) ? { tx, id } : null;
}

export const isAfter = (a: Cursor, b: Cursor): boolean => BigInt(a.tx) > BigInt(b.tx) || (a.tx === b.tx && a.id > b.id);

/** Within what its scope shows, a client user follows only the orders they wrote (as everywhere in Pli). */
const authorOf = (principal: UserPrincipal): string | null => (principal.role === 'client_user' ? principal.userId : null);

const after = (c: Cursor) => sql<boolean>`(e.tx, e.id) > (${c.tx}::bigint, ${c.id})`;
const below = (horizon: string) => sql<boolean>`e.tx < ${horizon}::bigint`;

/** Every transaction below it has finished: the log up to there will not change. */
async function horizonOf(tx: Tx): Promise<string> {
  const { rows } = await sql<{ horizon: string }>`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon`.execute(tx);
  return rows[0]!.horizon;
}

/** The event log, in its order, with what a reader needs of each order (its name, its organisation and author). */
function eventRows(tx: Tx, author: string | null) {
  const rows = tx
    .selectFrom('order_events as e')
    .innerJoin('orders as o', 'o.id', 'e.order_id')
    .select(['e.id', 'e.tx', 'e.type', 'e.at', 'e.order_id', 'o.name as order_name', 'e.mailpiece_id', 'e.detail', 'e.organisation_id', 'o.created_by'])
    .orderBy('e.tx')
    .orderBy('e.id');
  return author === null ? rows : rows.where('o.created_by', '=', author);
}

type EventRow = Awaited<ReturnType<ReturnType<typeof eventRows>['execute']>>[number];
const toEvent = (r: EventRow): TrackingEvent => ({ ...r, tx: String(r.tx), at: new Date(r.at).toISOString(), detail: r.detail ?? {} });

async function eventsBelow(tx: Tx, author: string | null, cursor: Cursor, horizon: string, limit: number): Promise<TrackingEvent[]> {
  return (await eventRows(tx, author).where(after(cursor)).where(below(horizon)).limit(limit).execute()).map(toEvent);
}

/** The events after `from` up to `to` that the transaction's scope shows: no filter of ours, row-level security decides. */
export async function eventsBetween(tx: Tx, from: Cursor, to: Cursor): Promise<TrackingEvent[]> {
  return (await eventRows(tx, null).where(after(from)).where(sql<boolean>`(e.tx, e.id) <= (${to.tx}::bigint, ${to.id})`).execute()).map(toEvent);
}

/** The next events written by transactions that have all finished, in the caller's transaction (the webhooks' dispatcher). */
export async function eventsAfterIn(tx: Tx, cursor: Cursor, limit: number): Promise<TrackingEvent[]> {
  return eventsBelow(tx, null, cursor, await horizonOf(tx), limit);
}

export interface EventFeed {
  /** Resolves once the feed has its starting point: every event committed after that reaches the listener. */
  subscribe(principal: UserPrincipal, listener: Listener): Promise<() => void>;
  /**
   * A reconnecting client's catch-up: every event after `from` the principal may see, page by
   * page, up to the oldest transaction running when the first page is read.
   */
  since(principal: UserPrincipal, from: Cursor): AsyncIterable<TrackingEvent[]>;
  close(): void;
}

const POLL_PAGE = 2000;
const CATCH_UP_PAGE = 500;

/**
 * The subscribers sharing one scope (provider staff; each client organisation), read for together:
 * one query per poll and organisation with new events, however many people follow it. Within an
 * organisation, a client user's listener takes their own orders' events — the rule every order
 * read applies; the wall between organisations is the database's.
 */
interface Group {
  scope: Scope;
  /** null: provider staff, who see every organisation. */
  organisationId: string | null;
  /** How far this group has been handed the log (behind the feed only after a failed read). */
  at: Cursor;
  members: Set<{ author: string | null; listener: Listener }>;
}

const samePosition = (a: Cursor, b: Cursor) => a.tx === b.tx && a.id === b.id;

export function createEventFeed(deps: { db: Kysely<DB>; pollMs?: number; onError?: (err: unknown) => void }): EventFeed {
  const groups = new Map<string, Group>();
  let timer: NodeJS.Timeout | null = null;
  let polling = false;
  let cursor: Cursor | null = null;
  let starting: Promise<void> | null = null;
  // From now: everything of the transactions still running, or yet to start ('' precedes every id).
  const start = () =>
    (starting ??= inScope(deps.db, systemScope, horizonOf).then((horizon) => {
      cursor = { tx: horizon, id: '' };
    }));

  async function handOut(group: Group, to: Cursor) {
    const events = await inScope(deps.db, group.scope, (tx) => eventsBetween(tx, group.at, to));
    group.at = to;
    for (const e of events) for (const m of group.members) if (m.author === null || m.author === e.created_by) m.listener(e);
  }

  async function poll() {
    if (polling || !cursor) return;
    polling = true;
    try {
      for (;;) {
        const from: Cursor = cursor;
        // Where the log has moved to and whose events it holds: positions only, never an event's
        // content, which each group reads under its own scope.
        const page = await inScope(deps.db, systemScope, async (tx) =>
          tx.selectFrom('order_events as e').select(['e.tx', 'e.id', 'e.organisation_id']).where(after(from)).where(below(await horizonOf(tx))).orderBy('e.tx').orderBy('e.id').limit(POLL_PAGE).execute(),
        );
        const last = page[page.length - 1];
        if (!last) break;
        const to = { tx: String(last.tx), id: last.id };
        const touched = new Set(page.map((p) => p.organisation_id));
        for (const group of groups.values()) {
          if (!isAfter(to, group.at)) continue; // joined after a restart, further on already
          if (samePosition(group.at, from) && group.organisationId !== null && !touched.has(group.organisationId)) {
            group.at = to; // nothing of theirs in this stretch
            continue;
          }
          // A failed read leaves this group behind; it reads its stretch again next time.
          await handOut(group, to).catch((err: unknown) => deps.onError?.(err));
        }
        if (cursor !== from) break; // everyone left meanwhile: a new start has its own position
        cursor = to;
        if (page.length < POLL_PAGE) break;
      }
    } catch (err) {
      deps.onError?.(err);
    } finally {
      polling = false;
    }
  }

  return {
    async subscribe(principal, listener) {
      await start();
      const scope = scopeOf(principal);
      const key = JSON.stringify(scope);
      const group = groups.get(key) ?? { scope, organisationId: scope.kind === 'organisation' ? scope.organisationId : null, at: cursor!, members: new Set() };
      groups.set(key, group);
      const member = { author: authorOf(principal), listener };
      group.members.add(member);
      if (!timer) {
        timer = setInterval(() => void poll(), deps.pollMs ?? 500);
        timer.unref();
      }
      return () => {
        group.members.delete(member);
        if (group.members.size === 0) groups.delete(key);
        if (groups.size === 0 && timer) {
          clearInterval(timer);
          timer = null;
          cursor = null;
          starting = null;
        }
      };
    },
    async *since(principal, from) {
      const scope = scopeOf(principal);
      const author = authorOf(principal);
      // Fixed by the first page: below it nothing changes any more, above it the live feed takes over.
      let horizon: string | null = null;
      let position = from;
      for (;;) {
        const events = await inScope(deps.db, scope, async (tx) => {
          horizon ??= await horizonOf(tx);
          return eventsBelow(tx, author, position, horizon, CATCH_UP_PAGE);
        });
        yield events;
        const last = events[events.length - 1];
        if (!last || events.length < CATCH_UP_PAGE) return;
        position = last;
      }
    },
    close() {
      if (timer) clearInterval(timer);
      timer = null;
      groups.clear();
    },
  };
}
