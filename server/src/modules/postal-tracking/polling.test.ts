import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../platform/clock/clock.js';
import { inScope, systemScope } from '../../platform/db/scope.js';
import { createIdGenerator } from '../../platform/ids/ids.js';
import { createLaPosteSuiviTracker } from '../../platform/postal/laposte-suivi.tracker.js';
import { createSimulatedTracker, simulatedOutcome } from '../../platform/postal/simulated.tracker.js';
import { backends, createTestApp, type TestApp } from '../../../test/helpers.js';
import { startSuiviReplayServer, type SuiviReplayServer } from '../../../test/suivi-replay-server.js';
import { runWatchdog } from '../returns/index.js';
import { depositedAtOf, LEASE_MS, pollPostalTracking, type PostalTrackingDeps } from './polling.js';

const ids = createIdGenerator();
const HOUR = 3600_000;
const DEPOSIT = new Date('2026-12-03T09:00:00Z');

type Ev = [code: string, label: string, at: string];
const PC1: Ev = ['PC1', 'Votre envoi a été pris en charge par La Poste.', '2026-12-03T10:21:00+01:00'];
const ET1: Ev = ['ET1', 'Votre envoi est en cours de traitement.', '2026-12-03T21:47:00+01:00'];
const MD2: Ev = ['MD2', 'Votre envoi est en cours de distribution par votre facteur.', '2026-12-04T08:05:00+01:00'];
const DI1: Ev = ['DI1', 'Votre envoi a été distribué à son destinataire.', '2026-12-04T11:32:00+01:00'];

/** La Poste's answer for a number: events newest first, as Suivi gives them. */
const found = (number: string, events: Ev[], isFinal = false) => ({
  status: 200,
  json: {
    lang: 'fr_FR',
    scope: 'open',
    returnCode: 200,
    shipment: { idShip: number, holder: 1, product: 'Lettre recommandée', isFinal, timeline: [], event: [...events].reverse().map(([code, label, date]) => ({ code, label, date })) },
  },
});

/**
 * The postal tracking connector against a local Suivi server: outages, timeouts and unreadable
 * answers lose nothing (the number is asked again, later), repeated and overlapping answers add
 * nothing twice, two workers never ask the same number in the same run, and the quota is kept.
 */
describe.each(backends())('following registered numbers through La Poste on %s', (kind) => {
  let t: TestApp;
  let suivi: SuiviReplayServer;
  let organisationId: string;
  let userId: string;
  const clock = fixedClock(new Date(DEPOSIT.getTime() + 3 * HOUR));
  let deps: PostalTrackingDeps;
  let serial = 0;

  /** A registered mailpiece deposited at DEPOSIT (its number, its id). */
  async function deposited(acknowledgement = false): Promise<{ number: string; id: string; orderId: string }> {
    serial += 1;
    const number = `1E${String(77_000_000_000 + serial).padStart(11, '0')}`;
    const id = ids.next('mp');
    const orderId = ids.next('ord');
    await inScope(t.container.db, systemScope, async (tx) => {
      await tx
        .insertInto('orders')
        .values({ id: orderId, organisation_id: organisationId, created_by: userId, kind: 'paper', name: `Recommandé ${serial}`, status: 'completed', documents: '[]', options: JSON.stringify({ mail_class: 'registered', registered_level: 'R1', acknowledgement }), address_source: 'document', split: null, quote: '{}', submitted_at: DEPOSIT, created_at: DEPOSIT, updated_at: DEPOSIT })
        .execute();
      await tx
        .insertInto('mailpieces')
        .values({ id, organisation_id: organisationId, order_id: orderId, number: 1, status: 'deposited', recipient: JSON.stringify({ address: ['MME JEANNE MARTIN', '1 RUE HAUTE', '35000 RENNES'], country: 'FR' }), first_page: 1, last_page: 1, sheets: 1, weight_mg: 5000, postage_step: '20g', carrier_sheet: false, tracking_number: number, created_at: DEPOSIT, updated_at: DEPOSIT })
        .execute();
      await tx.insertInto('order_events').values({ id: ids.next('evt'), organisation_id: organisationId, order_id: orderId, mailpiece_id: id, type: 'mailpiece.deposited', detail: '{}', at: DEPOSIT }).execute();
    });
    return { number, id, orderId };
  }

  const events = (mailpieceId: string) =>
    inScope(t.container.db, systemScope, async (tx) => ({
      postal: await tx.selectFrom('postal_events').select(['code', 'at']).where('mailpiece_id', '=', mailpieceId).orderBy('at').execute(),
      order: await tx.selectFrom('order_events').select(['type', 'detail', 'at']).where('mailpiece_id', '=', mailpieceId).where('type', 'in', ['mailpiece.postal_event', 'mailpiece.delivered']).orderBy('at').orderBy('id').execute(),
      status: (await tx.selectFrom('mailpieces').select('status').where('id', '=', mailpieceId).executeTakeFirstOrThrow()).status,
      tracking: await tx.selectFrom('postal_tracking').selectAll().where('mailpiece_id', '=', mailpieceId).executeTakeFirst(),
    }));
  /** Moves the clock past the number's next poll. */
  const later = async (mailpieceId: string) => {
    const row = await inScope(t.container.db, systemScope, (tx) => tx.selectFrom('postal_tracking').select('next_poll_at').where('mailpiece_id', '=', mailpieceId).executeTakeFirstOrThrow());
    if (row.next_poll_at && row.next_poll_at > clock.now()) clock.set(row.next_poll_at);
  };
  const asked = (number: string) => suivi.requests.filter((r) => r.number === number).length;
  /** Only this test's numbers are due: every other one waits. */
  const onlyThese = (mailpieceIds: string[]) =>
    inScope(t.container.db, systemScope, (tx) => {
      const q = tx.updateTable('postal_tracking').set({ next_poll_at: null });
      return (mailpieceIds.length ? q.where('mailpiece_id', 'not in', mailpieceIds) : q).execute();
    });

  beforeAll(async () => {
    t = await createTestApp(kind);
    suivi = await startSuiviReplayServer();
    const user = await inScope(t.container.db, systemScope, (tx) => tx.selectFrom('users').select(['id', 'organisation_id']).where('email', '=', 'user@mairie-demo.test').executeTakeFirstOrThrow());
    organisationId = user.organisation_id;
    userId = user.id;
    deps = { db: t.container.db, clock, ids, tracker: createLaPosteSuiviTracker({ baseUrl: suivi.baseUrl, apiKey: 'okapi-test-key', timeoutMs: 1_500 }), perRun: 50 };
  });
  afterAll(async () => {
    await suivi.close();
    await t.close();
  });
  beforeEach(() => clock.set(new Date(DEPOSIT.getTime() + 3 * HOUR)));

  it('through an outage, a timeout and unreadable answers, every event arrives once and the letter is delivered once', async () => {
    const mp = await deposited();
    suivi.script(
      mp.number,
      { status: 503, json: { code: 'SERVICE_UNAVAILABLE' } },
      { hang: true },
      { status: 200, raw: '{"shipment": {"idShip": "' },
      found(mp.number, [PC1, ET1]),
      found(mp.number, [PC1, ET1]), // nothing new
      { destroy: true },
      found(mp.number, [PC1, ET1, MD2, DI1, DI1], true), // the delivery, and a duplicate La Poste sent twice
    );
    const runs: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      await onlyThese([mp.id]);
      const before = (await events(mp.id)).tracking;
      if (before) await later(mp.id);
      const out = await pollPostalTracking(deps);
      runs.push((await events(mp.id)).tracking!.last_outcome ?? '');
      expect(out.asked).toBe(1);
    }
    expect(runs).toEqual(['http_error', 'timeout', 'malformed', 'found', 'found', 'unreachable', 'found']);
    const after = await events(mp.id);
    expect(after.postal.map((e) => e.code)).toEqual(['PC1', 'ET1', 'MD2', 'DI1']);
    expect(after.order.map((e) => e.type)).toEqual(['mailpiece.postal_event', 'mailpiece.postal_event', 'mailpiece.postal_event', 'mailpiece.postal_event', 'mailpiece.delivered']);
    expect(after.order[3]!.detail).toMatchObject({ code: 'DI1', label: DI1[1], meaning: 'delivered' });
    expect(after.order[4]!.at.toISOString()).toBe('2026-12-04T10:32:00.000Z');
    expect(after.status).toBe('delivered');
    // La Poste said the journey is over: the number is not asked again.
    expect(after.tracking).toMatchObject({ final: true, next_poll_at: null, failures: 0, polls: 7 });
    const count = asked(mp.number);
    clock.advance(30 * 24 * HOUR);
    await pollPostalTracking(deps);
    expect(asked(mp.number)).toBe(count);
    // The key went with every request.
    expect(suivi.requests.filter((r) => r.number === mp.number).every((r) => r.apiKey === 'okapi-test-key')).toBe(true);
  });

  it('backs off after failures, and waits longer for a number La Poste does not know yet', async () => {
    const mp = await deposited();
    suivi.script(mp.number, { status: 500, json: {} }, { status: 500, json: {} }, { status: 404, json: { returnCode: 104, returnMessage: 'Numéro inconnu', idShip: mp.number } });
    await onlyThese([]);
    const now = () => clock.now().getTime();
    await pollPostalTracking(deps);
    expect((await events(mp.id)).tracking!.next_poll_at!.getTime() - now()).toBe(15 * 60_000);
    await later(mp.id);
    await pollPostalTracking(deps);
    expect((await events(mp.id)).tracking).toMatchObject({ failures: 2, last_outcome: 'http_error' });
    expect((await events(mp.id)).tracking!.next_poll_at!.getTime() - now()).toBe(30 * 60_000);
    await later(mp.id);
    await pollPostalTracking(deps);
    expect((await events(mp.id)).tracking).toMatchObject({ failures: 0, last_outcome: 'unknown' });
    expect((await events(mp.id)).tracking!.next_poll_at!.getTime() - now()).toBe(6 * HOUR);
    expect((await events(mp.id)).postal).toEqual([]);
  });

  it('keeps to the quota, and a 429 defers the rest of the run by its Retry-After', async () => {
    const letters = await Promise.all([deposited(), deposited(), deposited(), deposited(), deposited()]);
    await onlyThese([]);
    for (const l of letters) suivi.script(l.number, found(l.number, [PC1]));
    const quota = { ...deps, perRun: 2 };
    expect((await pollPostalTracking(quota)).asked).toBe(2);
    expect((await pollPostalTracking(quota)).asked).toBe(2);
    expect((await pollPostalTracking(quota)).asked).toBe(1);
    for (const l of letters) {
      expect(asked(l.number), l.number).toBe(1);
      expect((await events(l.id)).postal.map((e) => e.code), l.number).toEqual(['PC1']);
    }

    // La Poste says "too many requests, come back in 120 s": the rest of the run waits as long.
    const [limited, next] = await Promise.all([deposited(), deposited()]);
    await onlyThese([]);
    await pollPostalTracking({ ...deps, perRun: 0 }); // enlisted, not asked
    const due = (id: string, at: Date) => inScope(t.container.db, systemScope, (tx) => tx.updateTable('postal_tracking').set({ next_poll_at: at }).where('mailpiece_id', '=', id).execute());
    await due(limited.id, new Date(clock.now().getTime() - 60_000));
    await due(next.id, clock.now());
    suivi.script(limited.number, { status: 429, headers: { 'retry-after': '120' } }, found(limited.number, [PC1]));
    suivi.script(next.number, found(next.number, [PC1]));
    expect(await pollPostalTracking(deps)).toMatchObject({ asked: 1, rateLimited: true });
    expect(asked(next.number)).toBe(0);
    expect((await events(next.id)).tracking!.next_poll_at!.getTime() - clock.now().getTime()).toBe(120_000);
    expect((await events(limited.id)).tracking).toMatchObject({ failures: 1, last_outcome: 'rate_limited' });
    clock.advance(15 * 60_000);
    expect((await pollPostalTracking(deps)).asked).toBe(2);
    for (const l of [limited, next]) expect((await events(l.id)).postal.map((e) => e.code), l.number).toEqual(['PC1']);
  });

  it('two workers polling at the same moment ask each number once and record each event once', async () => {
    const letters = await Promise.all(Array.from({ length: 8 }, () => deposited()));
    await onlyThese([]);
    await pollPostalTracking({ ...deps, perRun: 0 }); // enlist only
    await onlyThese(letters.map((l) => l.id));
    for (const l of letters) suivi.script(l.number, found(l.number, [PC1, ET1]), found(l.number, [PC1, ET1]));
    const before = new Map(letters.map((l) => [l.number, asked(l.number)]));
    const [a, b] = await Promise.all([pollPostalTracking(deps), pollPostalTracking(deps)]);
    expect(a.asked + b.asked).toBe(8);
    for (const l of letters) {
      expect(asked(l.number) - before.get(l.number)!, l.number).toBe(1);
      expect((await events(l.id)).postal).toHaveLength(2);
      expect((await events(l.id)).order).toHaveLength(2);
    }
    // A worker that died holding a number: it is asked again once the lease lapses, adding nothing twice.
    await inScope(t.container.db, systemScope, (tx) => tx.updateTable('postal_tracking').set({ next_poll_at: new Date(clock.now().getTime() + LEASE_MS) }).where('mailpiece_id', '=', letters[0]!.id).execute());
    clock.advance(LEASE_MS);
    await onlyThese([letters[0]!.id]);
    await pollPostalTracking(deps);
    expect((await events(letters[0]!.id)).postal).toHaveLength(2);
    expect((await events(letters[0]!.id)).order).toHaveLength(2);
  });

  it('the watchdog flags a letter not delivered after 7 days and a card not back after 21, once, and the news resolves them', async () => {
    const silent = await deposited(true);
    await onlyThese([]);
    await pollPostalTracking({ ...deps, perRun: 0 });
    await onlyThese([]);
    const returns = { db: t.container.db, clock, ids };
    clock.set(new Date(DEPOSIT.getTime() + 6 * 24 * HOUR));
    expect(await runWatchdog(returns)).toBe(0);
    clock.set(new Date(DEPOSIT.getTime() + 7 * 24 * HOUR));
    expect(await runWatchdog(returns)).toBeGreaterThanOrEqual(1);
    expect(await runWatchdog(returns)).toBe(0); // once
    const flags = () => inScope(t.container.db, systemScope, (tx) => tx.selectFrom('chase_flags').select(['kind', 'resolved_at']).where('mailpiece_id', '=', silent.id).orderBy('kind').execute());
    expect(await flags()).toEqual([{ kind: 'no_delivery', resolved_at: null }]);
    // La Poste finally says delivered: that flag is resolved; the card is still awaited.
    suivi.script(silent.number, found(silent.number, [PC1, DI1], true));
    await onlyThese([silent.id]);
    await inScope(t.container.db, systemScope, (tx) => tx.updateTable('postal_tracking').set({ next_poll_at: clock.now() }).where('mailpiece_id', '=', silent.id).execute());
    await pollPostalTracking(deps);
    clock.set(new Date(DEPOSIT.getTime() + 21 * 24 * HOUR));
    await runWatchdog(returns);
    const now = await flags();
    expect(now.map((f) => [f.kind, f.resolved_at !== null])).toEqual([
      ['no_ar', false],
      ['no_delivery', true],
    ]);
  });

  it('the default set-up’s simulator makes plausible journeys from the deposit, read by the same parser', async () => {
    let delivered: { number: string; id: string } | undefined;
    while (!delivered) {
      const mp = await deposited();
      if (simulatedOutcome(mp.number) === 'delivered') delivered = mp;
    }
    await onlyThese([]);
    const simulated = { ...deps, tracker: createSimulatedTracker({ clock, depositedAt: (n) => depositedAtOf(t.container.db, n) }) };
    await pollPostalTracking({ ...simulated, perRun: 0 });
    await onlyThese([delivered.id]);
    await inScope(t.container.db, systemScope, (tx) => tx.updateTable('postal_tracking').set({ next_poll_at: clock.now() }).where('mailpiece_id', '=', delivered.id).execute());
    await pollPostalTracking(simulated);
    expect((await events(delivered.id)).postal[0]!.code).toBe('PC1');
    clock.set(new Date(DEPOSIT.getTime() + 4 * 24 * HOUR));
    await later(delivered.id);
    await pollPostalTracking(simulated);
    const after = await events(delivered.id);
    expect(after.status).toBe('delivered');
    expect(after.tracking!.final).toBe(true);
  });
});
