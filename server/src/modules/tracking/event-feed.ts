import { sql, type Kysely } from 'kysely';
import { isProviderRole } from '#domain/roles.js';
import type { DB } from '../../platform/db/schema.js';
import { inScope, systemScope, type Tx } from '../../platform/db/scope.js';
import type { UserPrincipal } from '../../platform/http/principal.js';

/**
 * Tracking events as they happen (M-3.4): every order and mailpiece event is a row of the
 * append-only `order_events`, written in the transaction that made the change, with that
 * transaction's id. One poller per process follows (tx, id) up to the oldest transaction still
 * running, twice a second, and hands each event to the subscribers allowed to see it: an event
 * committed late by a long transaction is never skipped, none is sent twice. The same on PGlite
 * and PostgreSQL, whichever process wrote the event.
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
  /** The writing transaction (the feed's cursor). */
  tx: string;
}

type Listener = (event: TrackingEvent) => void;

export function visibleTo(principal: UserPrincipal, e: Pick<TrackingEvent, 'organisation_id' | 'created_by'>): boolean {
  if (isProviderRole(principal.role)) return true;
  if (e.organisation_id !== principal.organisationId) return false;
  return principal.role === 'client_admin' || e.created_by === principal.userId;
}

export interface EventFeed {
  /** Resolves once the feed has its starting point: every event committed after that reaches the listener. */
  subscribe(principal: UserPrincipal, listener: Listener): Promise<() => void>;
  /** Events after `lastEventId` the principal may see (a reconnecting client's catch-up). */
  since(principal: UserPrincipal, lastEventId: string, limit?: number): Promise<TrackingEvent[]>;
  close(): void;
}

export type Cursor = { tx: string; id: string };

/** Events after the cursor written by transactions that have all finished, in commit-safe order. */
export async function eventsAfter(db: Kysely<DB>, cursor: Cursor, limit: number): Promise<{ events: TrackingEvent[]; horizon: string }> {
  return inScope(db, systemScope, (tx) => eventsAfterIn(tx, cursor, limit));
}

/** The event log with what a reader needs of each order (its name, its organisation and author). */
const eventRows = (tx: Tx) =>
  tx
    .selectFrom('order_events as e')
    .innerJoin('orders as o', 'o.id', 'e.order_id')
    .select(['e.id', 'e.tx', 'e.type', 'e.at', 'e.order_id', 'o.name as order_name', 'e.mailpiece_id', 'e.detail', 'e.organisation_id', 'o.created_by']);

type EventRow = Awaited<ReturnType<ReturnType<typeof eventRows>['execute']>>[number];
const toEvent = (r: EventRow): TrackingEvent => ({ ...r, tx: String(r.tx), at: new Date(r.at).toISOString(), detail: r.detail ?? {} });

/** The same, in the caller's (system-scope) transaction. */
export async function eventsAfterIn(tx: Tx, cursor: Cursor, limit: number): Promise<{ events: TrackingEvent[]; horizon: string }> {
  const { rows } = await sql<{ horizon: string }>`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon`.execute(tx);
  const horizon = rows[0]!.horizon;
  const found = await eventRows(tx)
    .where(sql<boolean>`(e.tx, e.id) > (${cursor.tx}::bigint, ${cursor.id})`)
    .where(sql<boolean>`e.tx < ${horizon}::bigint`)
    .orderBy('e.tx')
    .orderBy('e.id')
    .limit(limit)
    .execute();
  return { events: found.map(toEvent), horizon };
}

export function createEventFeed(deps: { db: Kysely<DB>; pollMs?: number; onError?: (err: unknown) => void }): EventFeed {
  const subscribers = new Set<{ principal: UserPrincipal; listener: Listener }>();
  let timer: NodeJS.Timeout | null = null;
  let polling = false;
  let cursor: Cursor | null = null;
  let starting: Promise<void> | null = null;
  // From now: everything the transactions still running (or yet to start) will write.
  const start = () =>
    (starting ??= eventsAfter(deps.db, { tx: '9223372036854775806', id: '' }, 1).then(({ horizon }) => {
      cursor = { tx: String(BigInt(horizon) - 1n), id: '\uffff' };
    }));

  async function poll() {
    if (polling || !cursor) return;
    polling = true;
    try {
      for (;;) {
        const { events } = await eventsAfter(deps.db, cursor, 2000);
        for (const event of events) {
          cursor = { tx: event.tx, id: event.id };
          for (const s of subscribers) if (visibleTo(s.principal, event)) s.listener(event);
        }
        if (events.length < 2000) break;
      }
    } catch (err) {
      deps.onError?.(err);
    } finally {
      polling = false;
    }
  }

  return {
    async subscribe(principal, listener) {
      const entry = { principal, listener };
      subscribers.add(entry);
      if (!timer) {
        timer = setInterval(() => void poll(), deps.pollMs ?? 500);
        timer.unref();
      }
      await start();
      return () => {
        subscribers.delete(entry);
        if (subscribers.size === 0 && timer) {
          clearInterval(timer);
          timer = null;
          cursor = null;
          starting = null;
        }
      };
    },
    async since(principal, lastEventId, limit = 500) {
      const rows = await inScope(deps.db, systemScope, (tx) => eventRows(tx).where('e.id', '>', lastEventId).orderBy('e.id').limit(5000).execute());
      return rows
        .map(toEvent)
        .filter((e) => visibleTo(principal, e))
        .slice(0, limit);
    },
    close() {
      if (timer) clearInterval(timer);
      timer = null;
      subscribers.clear();
    },
  };
}
