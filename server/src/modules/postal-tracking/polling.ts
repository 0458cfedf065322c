import { sql, type Kysely } from 'kysely';
import { afterHandover, nextPollDelayMs, type MailpieceStatus } from '#domain/production/index.js';
import type { Clock } from '../../platform/clock/clock.js';
import type { DB } from '../../platform/db/schema.js';
import { inScope, systemScope, type Tx } from '../../platform/db/scope.js';
import type { IdGenerator } from '../../platform/ids/ids.js';
import { postalMeaning, PostalTrackingUnavailable, type PostalTracker, type TrackingAnswer } from '../../platform/postal/postal-tracking.port.js';

/**
 * The postal tracking connector (M-6.a): each registered number handed to La Poste is asked
 * about through the tracking adapter, by a periodic task, until La Poste says its journey is over.
 *
 * - Nothing lost: a number is claimed for a lease before it is asked; a worker that dies with it
 *   leaves it to be asked again when the lease lapses. A failure (timeout, outage, an answer we
 *   cannot read) keeps everything known and asks again later, with doubling back-off.
 * - Nothing twice: each event is stored once per (mailpiece, code, time) — however often the
 *   same journey is read, by however many workers — and only a new one becomes an order event.
 * - Rate limits: a run asks at most `perRun` numbers; a 429 ends the run and defers the rest.
 */
export interface PostalTrackingDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  tracker: PostalTracker;
  /** Numbers asked per run (the operator's quota: runs are a minute apart). */
  perRun: number;
  onError?: (err: unknown, number: string) => void;
}

/** How long a claimed number is someone's before another worker may ask it again. */
export const LEASE_MS = 10 * 60_000;
/** La Poste keeps a journey for a few weeks: nobody asks about a letter after this. */
const FOLLOW_DAYS = 60;

/**
 * Registered mailpieces deposited lately start being followed from their deposit (read on a
 * partial index: the letters deposited this week, not every letter ever sent).
 */
export async function enlistDeposited(deps: Pick<PostalTrackingDeps, 'db' | 'clock'>): Promise<number> {
  const since = new Date(deps.clock.now().getTime() - 7 * 86_400_000);
  return inScope(deps.db, systemScope, async (tx) => {
    const r = await sql`
      INSERT INTO postal_tracking (mailpiece_id, organisation_id, tracking_number, deposited_at, next_poll_at)
      SELECT m.id, m.organisation_id, m.tracking_number, d.at, d.at
      FROM mailpieces m
      CROSS JOIN LATERAL (SELECT min(e.at) AS at FROM order_events e WHERE e.mailpiece_id = m.id AND e.type = 'mailpiece.deposited') d
      WHERE m.tracking_number IS NOT NULL
        AND m.status = 'deposited'
        AND m.updated_at >= ${since}
        AND d.at IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM postal_tracking p WHERE p.mailpiece_id = m.id)
      ON CONFLICT (mailpiece_id) DO NOTHING`.execute(tx);
    return Number(r.numAffectedRows ?? 0);
  });
}

interface Claimed {
  mailpiece_id: string;
  tracking_number: string;
  failures: number;
  deposited_at: Date;
}

/** The numbers due, claimed for a lease (SKIP LOCKED: two workers never claim the same one). */
async function claimDue(deps: PostalTrackingDeps): Promise<Claimed[]> {
  const now = deps.clock.now();
  return inScope(deps.db, systemScope, async (tx) => {
    const { rows } = await sql<Claimed>`
      UPDATE postal_tracking SET next_poll_at = ${new Date(now.getTime() + LEASE_MS)}
      WHERE mailpiece_id IN (
        SELECT mailpiece_id FROM postal_tracking
        WHERE next_poll_at IS NOT NULL AND next_poll_at <= ${now}
        ORDER BY next_poll_at, mailpiece_id
        LIMIT ${deps.perRun}
        FOR UPDATE SKIP LOCKED)
      RETURNING mailpiece_id, tracking_number, failures, deposited_at`.execute(tx);
    return rows;
  });
}

export interface PollOutcome {
  asked: number;
  events: number;
  delivered: number;
  failures: number;
  rateLimited: boolean;
}

/** One run: enlist, claim what is due, ask La Poste about each, record what is new. */
export async function pollPostalTracking(deps: PostalTrackingDeps): Promise<PollOutcome> {
  await enlistDeposited(deps);
  const claimed = await claimDue(deps);
  const outcome: PollOutcome = { asked: 0, events: 0, delivered: 0, failures: 0, rateLimited: false };
  for (const [i, c] of claimed.entries()) {
    let answer: TrackingAnswer;
    try {
      outcome.asked += 1;
      answer = await deps.tracker.track(c.tracking_number);
    } catch (err) {
      outcome.failures += 1;
      const unavailable = err instanceof PostalTrackingUnavailable ? err : new PostalTrackingUnavailable('malformed', 'the adapter failed', { cause: err });
      if (!(err instanceof PostalTrackingUnavailable) || unavailable.reason === 'refused') deps.onError?.(err, c.tracking_number);
      await recordFailure(deps, c, unavailable);
      if (unavailable.reason === 'rate_limited') {
        // The operator asks us to wait: the rest of the run waits with this one.
        outcome.rateLimited = true;
        await deferRest(deps, claimed.slice(i + 1), unavailable.retryAfterMs ?? 60_000);
        break;
      }
      continue;
    }
    // A write that fails leaves the number claimed: it is asked again when the lease lapses.
    const recorded = await recordAnswer(deps, c, answer).catch((err: unknown) => {
      deps.onError?.(err, c.tracking_number);
      return { events: 0, delivered: false };
    });
    outcome.events += recorded.events;
    outcome.delivered += recorded.delivered ? 1 : 0;
  }
  return outcome;
}

async function deferRest(deps: PostalTrackingDeps, rest: Claimed[], ms: number): Promise<void> {
  if (rest.length === 0) return;
  await inScope(deps.db, systemScope, (tx) =>
    tx
      .updateTable('postal_tracking')
      .set({ next_poll_at: new Date(deps.clock.now().getTime() + ms) })
      .where('mailpiece_id', 'in', rest.map((c) => c.mailpiece_id))
      .execute(),
  );
}

async function recordFailure(deps: PostalTrackingDeps, c: Claimed, err: PostalTrackingUnavailable): Promise<void> {
  const now = deps.clock.now();
  const failures = c.failures + 1;
  const next = followedUntil(c, now) ? new Date(now.getTime() + nextPollDelayMs({ kind: 'failed', failures, retryAfterMs: err.retryAfterMs })) : null;
  await inScope(deps.db, systemScope, (tx) =>
    tx.updateTable('postal_tracking').set({ failures, polls: sql`polls + 1`, last_polled_at: now, last_outcome: err.reason, next_poll_at: next }).where('mailpiece_id', '=', c.mailpiece_id).execute(),
  );
}

const followedUntil = (c: Claimed, now: Date) => now.getTime() < c.deposited_at.getTime() + FOLLOW_DAYS * 86_400_000;

/** What La Poste said, in one transaction: the new events, the delivery, when to ask next. */
async function recordAnswer(deps: PostalTrackingDeps, c: Claimed, answer: TrackingAnswer): Promise<{ events: number; delivered: boolean }> {
  const now = deps.clock.now();
  return inScope(deps.db, systemScope, async (tx) => {
    const mp = await tx.selectFrom('mailpieces').select(['id', 'status', 'order_id', 'organisation_id']).where('id', '=', c.mailpiece_id).executeTakeFirstOrThrow();
    let fresh: Array<{ code: string; label: string; at: Date }> = [];
    if (answer.kind === 'found' && answer.events.length > 0) {
      fresh = await tx
        .insertInto('postal_events')
        .values(answer.events.map((e) => ({ id: deps.ids.next('pev'), organisation_id: mp.organisation_id, mailpiece_id: mp.id, code: e.code, label: e.label.slice(0, 500), at: e.at, received_at: now })))
        .onConflict((oc) => oc.columns(['mailpiece_id', 'code', 'at']).doNothing())
        .returning(['code', 'label', 'at'])
        .execute();
      fresh.sort((a, b) => a.at.getTime() - b.at.getTime());
    }
    for (const e of fresh) {
      await orderEvent(tx, deps, mp, 'mailpiece.postal_event', e.at, { code: e.code, label: e.label, at: e.at.toISOString(), meaning: postalMeaning(e.code) });
    }
    const delivery = fresh.find((e) => postalMeaning(e.code) === 'delivered');
    let delivered = false;
    if (delivery) {
      await tx.updateTable('postal_tracking').set({ delivered_at: delivery.at }).where('mailpiece_id', '=', mp.id).where('delivered_at', 'is', null).execute();
      await tx.updateTable('chase_flags').set({ resolved_at: now }).where('mailpiece_id', '=', mp.id).where('kind', '=', 'no_delivery').where('resolved_at', 'is', null).execute();
      // Deposited → delivered by compare-and-set; a letter already back (or its card) keeps its status.
      if (afterHandover(mp.status as MailpieceStatus, 'delivered').ok) {
        const moved = await tx.updateTable('mailpieces').set({ status: 'delivered', updated_at: now }).where('id', '=', mp.id).where('status', '=', mp.status).executeTakeFirst();
        if (Number(moved.numUpdatedRows) === 1) {
          await orderEvent(tx, deps, mp, 'mailpiece.delivered', delivery.at, { code: delivery.code, label: delivery.label, at: delivery.at.toISOString() });
          delivered = true;
        }
      }
    }
    const final = answer.kind === 'found' && answer.final;
    const next = final || !followedUntil(c, now) ? null : new Date(now.getTime() + nextPollDelayMs({ kind: answer.kind === 'found' ? 'moving' : 'unknown' }));
    await tx
      .updateTable('postal_tracking')
      .set({ failures: 0, polls: sql`polls + 1`, last_polled_at: now, last_outcome: answer.kind, final, next_poll_at: next })
      .where('mailpiece_id', '=', mp.id)
      .execute();
    return { events: fresh.length, delivered };
  });
}

async function orderEvent(tx: Tx, deps: Pick<PostalTrackingDeps, 'ids'>, mp: { id: string; order_id: string; organisation_id: string }, type: string, at: Date, detail: Record<string, unknown>): Promise<void> {
  await tx.insertInto('order_events').values({ id: deps.ids.next('evt'), organisation_id: mp.organisation_id, order_id: mp.order_id, mailpiece_id: mp.id, type, detail: JSON.stringify(detail), actor_user_id: null, at }).execute();
}

/** When the simulator answers: the deposit it starts the journey from. */
export async function depositedAtOf(db: Kysely<DB>, number: string): Promise<Date | null> {
  const row = await inScope(db, systemScope, (tx) => tx.selectFrom('postal_tracking').select('deposited_at').where('tracking_number', '=', number).executeTakeFirst());
  return row?.deposited_at ?? null;
}
